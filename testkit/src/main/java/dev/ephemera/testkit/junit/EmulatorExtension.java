package dev.ephemera.testkit.junit;

import dev.ephemera.testkit.aws.PodIdentityAgentEmulator;
import dev.ephemera.testkit.aws.StsEmulator;
import dev.ephemera.testkit.azure.EntraEmulator;
import dev.ephemera.testkit.gcp.CloudStorageEmulator;
import dev.ephemera.testkit.gcp.GkeMetadataServerEmulator;
import dev.ephemera.testkit.oidc.OidcIssuer;
import dev.ephemera.testkit.time.VirtualTime;
import dev.ephemera.testkit.vault.VaultEmulator;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the emulators a test asks for and closes them after it, as WireMock's extension does for
 * its server. Declare a parameter of one of these types on a test, {@code @BeforeEach} or
 * {@code @AfterEach} method and it is started on loopback (a free port) for that test, once, shared
 * by every parameter of that type, and closed after the test in the reverse order of starting:
 *
 * <ul>
 *   <li>{@link VirtualTime}: the test's time; every emulator below stamps expiries on its {@link
 *       VirtualTime#upstreamClock()};
 *   <li>{@link OidcIssuer}: the Kubernetes API server's token issuer, which the emulators trust;
 *   <li>{@link StsEmulator}, {@link PodIdentityAgentEmulator}, {@link VaultEmulator}, {@link
 *       EntraEmulator}, {@link GkeMetadataServerEmulator};
 *   <li>{@link CloudStorageEmulator}: accepts the tokens the {@link GkeMetadataServerEmulator} of
 *       the same test minted (it starts that one too).
 * </ul>
 *
 * <p>Register it with {@code @ExtendWith(EmulatorExtension.class)} for default emulators, or as a
 * field to configure them before they start (roles, associations, fixed ports):
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmulatorExtension emulators =
 *     EmulatorExtension.create().sts(sts -> sts.role(ROLE, APP.subject()));
 *
 * @Test
 * void listsReports(StsEmulator sts, OidcIssuer oidc, VirtualTime time, @TempDir Path dir) { ... }
 * }</pre>
 */
public final class EmulatorExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(EmulatorExtension.class);
  private static final Set<Class<?>> TYPES =
      Set.of(
          VirtualTime.class,
          OidcIssuer.class,
          StsEmulator.class,
          PodIdentityAgentEmulator.class,
          VaultEmulator.class,
          EntraEmulator.class,
          GkeMetadataServerEmulator.class,
          CloudStorageEmulator.class);

  private Consumer<StsEmulator.Builder> sts = b -> {};
  private Consumer<PodIdentityAgentEmulator.Builder> podIdentity = b -> {};
  private Consumer<VaultEmulator.Builder> vault = b -> {};
  private Consumer<EntraEmulator.Builder> entra = b -> {};
  private Consumer<GkeMetadataServerEmulator.Builder> gkeMetadata = b -> {};

  /** The extension with default emulators; what {@code @ExtendWith} instantiates. */
  public EmulatorExtension() {}

  /** {@return an extension to configure with the methods below and register as a field} */
  public static EmulatorExtension create() {
    return new EmulatorExtension();
  }

  /**
   * Applied to the STS emulator's builder before it starts: roles, audience, port.
   *
   * @param configure what to apply
   * @return this extension
   */
  public EmulatorExtension sts(Consumer<StsEmulator.Builder> configure) {
    this.sts = Objects.requireNonNull(configure, "configure");
    return this;
  }

  /**
   * Applied to the Pod Identity agent's builder before it starts: associations, port.
   *
   * @param configure what to apply
   * @return this extension
   */
  public EmulatorExtension podIdentity(Consumer<PodIdentityAgentEmulator.Builder> configure) {
    this.podIdentity = Objects.requireNonNull(configure, "configure");
    return this;
  }

  /**
   * Applied to the Vault emulator's builder before it starts (register roles on the emulator).
   *
   * @param configure what to apply
   * @return this extension
   */
  public EmulatorExtension vault(Consumer<VaultEmulator.Builder> configure) {
    this.vault = Objects.requireNonNull(configure, "configure");
    return this;
  }

  /**
   * Applied to the Entra emulator's builder before it starts (register apps on the emulator).
   *
   * @param configure what to apply
   * @return this extension
   */
  public EmulatorExtension entra(Consumer<EntraEmulator.Builder> configure) {
    this.entra = Objects.requireNonNull(configure, "configure");
    return this;
  }

  /**
   * Applied to the GKE metadata server's builder before it starts: service account, port.
   *
   * @param configure what to apply
   * @return this extension
   */
  public EmulatorExtension gkeMetadata(Consumer<GkeMetadataServerEmulator.Builder> configure) {
    this.gkeMetadata = Objects.requireNonNull(configure, "configure");
    return this;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return TYPES.contains(parameter.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    try {
      return started(context).get(type);
    } catch (RuntimeException e) {
      throw new ParameterResolutionException("could not start " + type.getSimpleName(), e);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Started started = context.getStore(NAMESPACE).remove(Started.class, Started.class);
    if (started != null) {
      started.close();
    }
  }

  private Started started(ExtensionContext context) {
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Started.class, k -> new Started(), Started.class);
  }

  /** What one test started, closed in reverse order. */
  private final class Started {
    private final Map<Class<?>, Object> byType = new HashMap<>();
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();

    synchronized Object get(Class<?> type) {
      Object held = byType.get(type);
      if (held != null) {
        return held;
      }
      Object made = start(type);
      byType.put(type, made);
      if (made instanceof AutoCloseable closeable) {
        toClose.push(closeable);
      }
      return made;
    }

    private Object start(Class<?> type) {
      if (type == VirtualTime.class) {
        return VirtualTime.create();
      }
      VirtualTime time = (VirtualTime) get(VirtualTime.class);
      if (type == OidcIssuer.class) {
        return OidcIssuer.start(time.upstreamClock());
      }
      if (type == GkeMetadataServerEmulator.class) {
        GkeMetadataServerEmulator.Builder b =
            GkeMetadataServerEmulator.builder(time.upstreamClock());
        gkeMetadata.accept(b);
        return b.start();
      }
      if (type == CloudStorageEmulator.class) { // accepts what the metadata server minted
        return CloudStorageEmulator.start(
            ((GkeMetadataServerEmulator) get(GkeMetadataServerEmulator.class)).registry());
      }
      if (type == VaultEmulator.class) {
        VaultEmulator.Builder b =
            VaultEmulator.builder(time.upstreamClock()).oidc((OidcIssuer) get(OidcIssuer.class));
        vault.accept(b);
        return b.start();
      }
      OidcIssuer oidc = (OidcIssuer) get(OidcIssuer.class);
      if (type == StsEmulator.class) {
        StsEmulator.Builder b = StsEmulator.builder(oidc).clock(time.upstreamClock());
        sts.accept(b);
        return b.start();
      }
      if (type == PodIdentityAgentEmulator.class) {
        PodIdentityAgentEmulator.Builder b =
            PodIdentityAgentEmulator.builder(oidc).clock(time.upstreamClock());
        podIdentity.accept(b);
        return b.start();
      }
      if (type == EntraEmulator.class) {
        EntraEmulator.Builder b = EntraEmulator.builder(oidc).clock(time.upstreamClock());
        entra.accept(b);
        return b.start();
      }
      throw new IllegalArgumentException("not an emulator type: " + type.getName());
    }

    synchronized void close() {
      @Nullable RuntimeException first = null;
      while (!toClose.isEmpty()) {
        try {
          toClose.pop().close();
        } catch (Exception e) {
          if (first == null) {
            first = new IllegalStateException("closing an emulator failed", e);
          } else {
            first.addSuppressed(e);
          }
        }
      }
      byType.clear();
      if (first != null) {
        throw first;
      }
    }
  }
}
