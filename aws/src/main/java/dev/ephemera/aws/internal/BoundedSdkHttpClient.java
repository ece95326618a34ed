package dev.ephemera.aws.internal;

import dev.ephemera.core.spi.http.BoundedBody;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * The SDK's HTTP client with every response body read through core's {@link BoundedBody} before the
 * SDK sees it: a body longer than the limit is refused after {@code limit + 1} bytes (the
 * connection is aborted, never drained), and an XML body nested deeper than {@link
 * XmlNesting#MAX_DEPTH} is refused before the SDK's recursive XML parser could overflow its stack.
 * Both surface from the SDK as an {@code SdkClientException} whose cause is the {@link IOException}
 * thrown here; {@link StsFailures} maps them to {@code MALFORMED_RESPONSE}.
 *
 * <p>STS answers are a few kilobytes, so holding one in memory before the SDK parses it costs
 * nothing that the SDK would not spend anyway.
 */
final class BoundedSdkHttpClient implements SdkHttpClient {
  private final SdkHttpClient delegate;
  private final int limit;

  BoundedSdkHttpClient(SdkHttpClient delegate, int limit) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    this.limit = limit;
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    ExecutableHttpRequest call = delegate.prepareRequest(request);
    URI uri = request.httpRequest().getUri();
    String what = "the answer of STS at " + uri.getScheme() + "://" + uri.getRawAuthority();
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() throws IOException {
        HttpExecuteResponse response = call.call();
        Optional<AbortableInputStream> body = response.responseBody();
        if (body.isEmpty()) {
          return response;
        }
        byte[] bytes = read(body.get(), what);
        return HttpExecuteResponse.builder()
            .response(response.httpResponse())
            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes)))
            .build();
      }

      @Override
      public void abort() {
        call.abort();
      }
    };
  }

  private byte[] read(AbortableInputStream in, String what) throws IOException {
    byte[] bytes;
    try {
      bytes = BoundedBody.read(in, limit, what);
      XmlNesting.check(bytes, what);
    } catch (IOException | RuntimeException e) {
      in.abort(); // drop the connection: what is left unread is never drained
      throw e;
    } finally {
      in.close();
    }
    return bytes;
  }

  @Override
  public String clientName() {
    return delegate.clientName();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
