package dev.ephemera.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every Java block of README.md is a region of the snippet sources, which the suite runs. */
class ReadmeSnippetsTest {
  private static final Path ROOT = Path.of("..");

  @Test
  void everyReadmeJavaBlock_isTheCodeThisModuleCompilesAndRuns() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    Map<String, String> regions = ReadmeSnippets.regions(ROOT.resolve(ReadmeSnippets.SOURCES));

    assertThat(ReadmeSnippets.problems(readme, regions)).isEmpty();
    assertThat(ReadmeSnippets.blocks(readme)).hasSizeGreaterThanOrEqualTo(9);
  }

  @Test
  void aDriftedLine_isReportedWithTheSnippetAndTheLine() {
    Map<String, String> regions = Map.of("s", "int a = 1;\nint b = 2;");
    String readme = "x\n<!-- snippet: s -->\n```java\nint a = 1;\n  int   b = 2;\n```\n";
    assertThat(ReadmeSnippets.problems(readme, regions)).isEmpty(); // whitespace does not count

    String drifted = readme.replace("b = 2", "b = 3");
    assertThat(ReadmeSnippets.problems(drifted, regions))
        .singleElement()
        .asString()
        .contains("snippet 's'", "line 2", "int b = 3;", "int b = 2;");
    assertThat(ReadmeSnippets.problems("```java\nint a;\n```\n", regions))
        .singleElement()
        .asString()
        .contains("without a <!-- snippet");
    assertThat(ReadmeSnippets.write(drifted, regions))
        .contains("int b = 2;")
        .doesNotContain("b = 3");
  }
}
