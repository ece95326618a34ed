package dev.ephemera.azure.internal;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeader;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * MSAL's HTTP, sent through azure-core's {@link HttpClient} (so proxies, TLS and timeouts are
 * configured the azure-core way) and pinned to the authority's scheme, host and port: a request to
 * any other host is refused before it leaves, so MSAL can never call out to a host the user did not
 * configure. One bridge serves one issuance and keeps the token endpoint's last answer, from which
 * the issuer reads {@code expires_in} exactly (MSAL reports only system-clock instants).
 */
final class MsalHttpBridge implements IHttpClient {
  /** Headers the HTTP client sets itself (the JDK client refuses them). */
  private static final Set<String> HOP_BY_HOP =
      Set.of("content-length", "host", "connection", "expect", "upgrade");

  private final HttpClient http;
  private final URI authorityHost;
  private volatile @Nullable Answer tokenAnswer;

  /** What the token endpoint answered. */
  record Answer(int status, Map<String, List<String>> headers, String body) {
    @Nullable String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  /** Refused: MSAL tried a host other than the authority's. */
  static final class ForeignHostException extends IOException {
    private static final long serialVersionUID = 1L;

    ForeignHostException(String message) {
      super(message);
    }
  }

  MsalHttpBridge(HttpClient http, URI authorityHost) {
    this.http = http;
    this.authorityHost = authorityHost;
  }

  /** The token endpoint's answer to this issuance, if one arrived. */
  @Nullable Answer tokenAnswer() {
    return tokenAnswer;
  }

  @Override
  public IHttpResponse send(com.microsoft.aad.msal4j.HttpRequest request) throws Exception {
    URL url = request.url();
    if (!sameOrigin(url)) {
      throw new ForeignHostException(
          "refused a request to "
              + url.getProtocol()
              + "://"
              + url.getAuthority()
              + ": only the authority host "
              + authorityHost
              + " is contacted");
    }
    HttpRequest out = new HttpRequest(HttpMethod.valueOf(request.httpMethod().name()), url);
    if (request.headers() != null) {
      request
          .headers()
          .forEach(
              (name, value) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                  out.setHeader(name, value);
                }
              });
    }
    if (request.body() != null) {
      out.setBody(request.body().getBytes(StandardCharsets.UTF_8));
      // the JDK client frames the body itself and warns about an explicit Content-Length
      out.getHeaders().remove(HttpHeaderName.CONTENT_LENGTH);
    }
    try (HttpResponse response = http.sendSync(out, Context.NONE)) {
      String body =
          response.getBodyAsBinaryData() == null ? "" : response.getBodyAsBinaryData().toString();
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (HttpHeader h : response.getHeaders()) {
        headers.put(h.getName(), h.getValuesList());
      }
      if (url.getPath().endsWith("/oauth2/v2.0/token")) {
        tokenAnswer = new Answer(response.getStatusCode(), Map.copyOf(headers), body);
      }
      com.microsoft.aad.msal4j.HttpResponse msal = new com.microsoft.aad.msal4j.HttpResponse();
      msal.statusCode(response.getStatusCode());
      msal.body(body);
      msal.addHeaders(headers);
      return msal;
    }
  }

  private boolean sameOrigin(URL url) {
    int port = url.getPort() == -1 ? url.getDefaultPort() : url.getPort();
    int expected = authorityHost.getPort() == -1 ? 443 : authorityHost.getPort();
    return url.getProtocol().toLowerCase(Locale.ROOT).equals("https")
        && url.getHost().equalsIgnoreCase(authorityHost.getHost())
        && port == expected;
  }
}
