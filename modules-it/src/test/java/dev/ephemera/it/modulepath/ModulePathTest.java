package dev.ephemera.it.modulepath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module boundaries, proven on the module path: every product module is a named module that
 * exports its API (and core its SPI), no internal package is exported, a consumer that imports an
 * internal package does not compile, and one that uses the API builds every backend.
 */
class ModulePathTest {
  private static final Set<String> MODULES =
      Set.of(
          "dev.ephemera.core",
          "dev.ephemera.aws",
          "dev.ephemera.gcp",
          "dev.ephemera.azure",
          "dev.ephemera.vault");

  @Test
  void everyProductModule_isNamed_andExportsNoInternalPackage() {
    for (String name : MODULES) {
      Module m = ModuleLayer.boot().findModule(name).orElseThrow(() -> new AssertionError(name));
      assertTrue(m.isNamed(), name);
      for (String pkg : m.getPackages()) {
        assertEquals(!pkg.contains(".internal"), m.isExported(pkg), name + " exports " + pkg);
      }
    }
    Module core = ModuleLayer.boot().findModule("dev.ephemera.core").orElseThrow();
    assertTrue(core.isExported("dev.ephemera.core.spi"));
    assertTrue(core.isExported("dev.ephemera.core.spi.http"));
    assertFalse(core.isExported("dev.ephemera.core.internal"));
    assertEquals("dev.ephemera.it.modulepath", Consumer.class.getModule().getName());
  }

  @Test
  void aConsumer_buildsEveryBackend_throughTheApiOnly(@TempDir Path dir) throws IOException {
    Path token = Files.writeString(dir.resolve("token"), "eyJhbGciOiJub25lIn0.e30.");
    List<String> built = Consumer.buildEverything(token);
    assertEquals(6, built.size(), built.toString());
    assertTrue(built.stream().skip(2).allMatch(b -> b.contains("STARTING")), built.toString());
    assertTrue(built.get(0).startsWith("core: "), built.toString());
  }

  @Test
  void aConsumerImportingAnInternalPackage_doesNotCompile(@TempDir Path dir) throws IOException {
    Path src = dir.resolve("src");
    Path pkg = Files.createDirectories(src.resolve("bad"));
    Files.writeString(
        src.resolve("module-info.java"), "module bad { requires dev.ephemera.core; }");
    Files.writeString(
        pkg.resolve("Bad.java"),
        "package bad; public class Bad { Object o = dev.ephemera.core.internal.Json.NULL; }",
        StandardCharsets.UTF_8);
    String modulePath = System.getProperty("jdk.module.path");
    assertTrue(modulePath != null && !modulePath.isEmpty(), "not on the module path");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter out = new StringWriter();
    boolean ok =
        javac
            .getTask(
                out,
                null,
                null,
                List.of("--module-path", modulePath, "-d", dir.resolve("out").toString()),
                null,
                javac
                    .getStandardFileManager(null, null, StandardCharsets.UTF_8)
                    .getJavaFileObjects(src.resolve("module-info.java"), pkg.resolve("Bad.java")))
            .call();
    assertFalse(ok, "an internal package was visible: " + out);
    assertTrue(
        out.toString().contains("dev.ephemera.core.internal")
            && out.toString().contains("not visible"),
        out.toString());
  }
}
