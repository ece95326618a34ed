package dev.ephemera.gcp.internal;

import com.google.auth.oauth2.StsRequestHandler;
import com.google.auth.oauth2.StsTokenExchangeRequest;
import com.google.auth.oauth2.StsTokenExchangeResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Google STS at one token URL, called through Google Auth Library's {@link StsRequestHandler}. */
public final class Sts {
  static final String JWT = "urn:ietf:params:oauth:token-type:jwt";
  static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";

  private final URI tokenUrl;
  private final GoogleHttp http;

  /** STS at {@code tokenUrl}, reached through {@code http}. */
  public Sts(URI tokenUrl, GoogleHttp http) {
    this.tokenUrl = tokenUrl;
    this.http = http;
  }

  /** The token URL. */
  public URI tokenUrl() {
    return tokenUrl;
  }

  GoogleHttp http() {
    return http;
  }

  /** Exchanges an external subject token for a federated access token. */
  StsTokenExchangeResponse federate(
      String subjectToken, String subjectTokenType, String audience, List<String> scopes)
      throws IOException {
    StsTokenExchangeRequest.Builder request =
        StsTokenExchangeRequest.newBuilder(subjectToken, subjectTokenType).setAudience(audience);
    if (!scopes.isEmpty()) {
      request.setScopes(scopes);
    }
    return exchange(request.build(), null);
  }

  /** Exchanges a Google access token for one limited by an access boundary. */
  StsTokenExchangeResponse downscope(String accessToken, String optionsJson) throws IOException {
    StsTokenExchangeRequest request =
        StsTokenExchangeRequest.newBuilder(accessToken, ACCESS_TOKEN)
            .setRequestTokenType(ACCESS_TOKEN)
            .build();
    return exchange(request, optionsJson);
  }

  private StsTokenExchangeResponse exchange(
      StsTokenExchangeRequest request, @Nullable String options) throws IOException {
    StsRequestHandler.Builder handler =
        StsRequestHandler.newBuilder(
            tokenUrl.toString(), request, http.create().createRequestFactory());
    if (options != null) {
      handler.setInternalOptions(options);
    }
    return handler.build().exchangeToken();
  }

  @Override
  public String toString() {
    return "Sts[" + tokenUrl + "]";
  }
}
