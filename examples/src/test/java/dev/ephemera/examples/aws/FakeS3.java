package dev.ephemera.examples.aws;

import dev.ephemera.testkit.aws.IssuedAwsCredentials;
import dev.ephemera.testkit.aws.StsEmulator;
import dev.ephemera.testkit.emulator.EmulatedProtocol;
import dev.ephemera.testkit.emulator.EmulatedRequest;
import dev.ephemera.testkit.emulator.EmulatedResponse;
import dev.ephemera.testkit.emulator.Emulator;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ListObjectsV2 endpoint on loopback that answers only requests signed with credentials the STS
 * emulator issued and that are still valid: the SigV4 {@code Authorization} header must name an
 * issued access key id and {@code X-Amz-Security-Token} must be that session's token. When the
 * session carries a policy, the bucket must be named in it (a coarse stand-in for IAM's
 * intersection of role and session policy). Anything else is S3's 403.
 */
public final class FakeS3 implements EmulatedProtocol, AutoCloseable {
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([A-Z0-9]+)/");

  private final StsEmulator sts;
  private final Map<String, List<String>> buckets = new ConcurrentHashMap<>();
  private final List<String> accessKeysSeen = new CopyOnWriteArrayList<>();
  private final List<String> refusals = new CopyOnWriteArrayList<>();
  private final Emulator server;

  public FakeS3(StsEmulator sts) {
    this.sts = sts;
    this.server = Emulator.builder("s3", this).start();
  }

  /** Puts objects (zero-byte bodies are fine for listings) into {@code bucket}. */
  public FakeS3 bucket(String bucket, String... keys) {
    buckets.put(bucket, List.of(keys));
    return this;
  }

  /** The value for {@code AWS_ENDPOINT_URL_S3}. */
  public URI endpoint() {
    return server.baseUri();
  }

  /** The access key ids of the requests that were served, in order. */
  public List<String> accessKeysSeen() {
    return List.copyOf(accessKeysSeen);
  }

  /** Why requests were refused, in order. */
  public List<String> refusals() {
    return List.copyOf(refusals);
  }

  @Override
  public EmulatedResponse handle(EmulatedRequest request) {
    Matcher m = CREDENTIAL.matcher(request.header("Authorization").orElse(""));
    if (!request.header("Authorization").orElse("").startsWith("AWS4-HMAC-SHA256 ") || !m.find()) {
      return refuse("AccessDenied", "no SigV4 signature");
    }
    String accessKeyId = m.group(1);
    Optional<IssuedAwsCredentials> issued = sts.issued(accessKeyId);
    if (issued.isEmpty() || sts.secretKeyIfValid(accessKeyId).isEmpty()) {
      return refuse("InvalidAccessKeyId", accessKeyId + " was not issued by STS or has expired");
    }
    if (!request.header("X-Amz-Security-Token").orElse("").equals(issued.get().sessionToken())) {
      return refuse("InvalidToken", "the session token does not belong to " + accessKeyId);
    }
    List<String> segments = request.pathSegments();
    if (!request.method().equals("GET")
        || segments.size() != 1
        || !"2".equals(request.query().get("list-type"))) {
      return refuse("NotImplemented", request.method() + " " + request.path());
    }
    String bucket = segments.get(0);
    if (issued.get().policy().isPresent()
        && !issued.get().policy().get().contains("arn:aws:s3:::" + bucket + "\"")) {
      return refuse("AccessDenied", "the session policy of " + accessKeyId + " excludes " + bucket);
    }
    List<String> keys = buckets.get(bucket);
    if (keys == null) {
      return refuse("NoSuchBucket", bucket);
    }
    accessKeysSeen.add(accessKeyId);
    String prefix = request.queryParam("prefix").orElse("");
    StringBuilder xml =
        new StringBuilder(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    xml.append("<Name>")
        .append(bucket)
        .append("</Name><Prefix>")
        .append(prefix)
        .append("</Prefix>");
    List<String> matching = keys.stream().filter(k -> k.startsWith(prefix)).toList();
    xml.append("<KeyCount>").append(matching.size()).append("</KeyCount>");
    xml.append("<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>");
    request
        .queryParam("encoding-type")
        .ifPresent(e -> xml.append("<EncodingType>url</EncodingType>"));
    for (String key : matching) {
      xml.append("<Contents><Key>")
          .append(key)
          .append("</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>")
          .append("<ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>")
          .append(key.length())
          .append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
    }
    xml.append("</ListBucketResult>");
    return new EmulatedResponse(200, Map.of("Content-Type", "application/xml"), xml.toString());
  }

  private EmulatedResponse refuse(String code, String message) {
    refusals.add(code + ": " + message);
    return error(403, code, message);
  }

  private static EmulatedResponse error(int status, String code, String message) {
    return new EmulatedResponse(
        status,
        Map.of("Content-Type", "application/xml"),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
            + code
            + "</Code><Message>"
            + message
            + "</Message></Error>");
  }

  @Override
  public EmulatedResponse error(int status, EmulatedRequest request) {
    return error(status, "InternalError", "injected");
  }

  @Override
  public EmulatedResponse throttled(Duration retryAfter, EmulatedRequest request) {
    return error(503, "SlowDown", "Please reduce your request rate.");
  }

  @Override
  public EmulatedResponse expiredCredential(EmulatedRequest request) {
    return error(400, "ExpiredToken", "The provided token has expired.");
  }

  @Override
  public void close() {
    server.close();
  }
}
