package dev.ephemera.examples.readme;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * README.md's Java blocks and the code they are copied from, in one place. A block is announced in
 * the README by {@code <!-- snippet: name -->} on the line before its opening fence; its text is
 * every region {@code // README:begin name} ... {@code // README:end name} in the snippet sources,
 * in file order, each dedented, joined by a blank line (so the imports and the code of one file
 * form one block). The check compares whitespace-normalized lines; {@code --write} copies the
 * regions into the README. JDK only, so {@code .ci/readme-snippets} runs it as a source file.
 */
public final class ReadmeSnippets {
  /** Where the snippet sources live, from the repository root. */
  public static final Path SOURCES = Path.of("examples/src/test/java/dev/ephemera/examples/readme");

  private static final Pattern BEGIN = Pattern.compile("^\\s*// README:begin (\\S+)\\s*$");
  private static final Pattern END = Pattern.compile("^\\s*// README:end (\\S+)\\s*$");
  private static final Pattern MARKER = Pattern.compile("^<!-- snippet: (\\S+) -->\\s*$");

  private ReadmeSnippets() {}

  /** Every named region under {@code sources}, joined per name, dedented. */
  public static Map<String, String> regions(Path sources) {
    Map<String, List<String>> parts = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(sources)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String open = null;
        List<String> body = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i);
          Matcher b = BEGIN.matcher(line);
          Matcher e = END.matcher(line);
          if (b.matches()) {
            if (open != null) {
              throw new IllegalStateException(file + ":" + (i + 1) + ": region inside " + open);
            }
            open = b.group(1);
            body = new ArrayList<>();
          } else if (e.matches()) {
            if (!e.group(1).equals(open)) {
              throw new IllegalStateException(file + ":" + (i + 1) + ": end without begin");
            }
            parts.computeIfAbsent(open, k -> new ArrayList<>()).add(dedent(body));
            open = null;
          } else if (open != null) {
            body.add(line);
          }
        }
        if (open != null) {
          throw new IllegalStateException(file + ": region " + open + " never ends");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    parts.forEach((name, texts) -> out.put(name, String.join("\n\n", texts)));
    return out;
  }

  /** A README Java block: its snippet name (empty if unmarked), first line number, text. */
  public record Block(Optional<String> name, int line, int start, int end, String text) {}

  /** Every {@code ```java} block of {@code readme}, with the snippet marker before it, if any. */
  public static List<Block> blocks(String readme) {
    List<String> lines = readme.lines().toList();
    List<Block> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).strip().equals("```java")) {
        continue;
      }
      Optional<String> name = Optional.empty();
      if (i > 0) {
        Matcher m = MARKER.matcher(lines.get(i - 1));
        if (m.matches()) {
          name = Optional.of(m.group(1));
        }
      }
      int j = i + 1;
      while (j < lines.size() && !lines.get(j).strip().equals("```")) {
        j++;
      }
      out.add(new Block(name, i + 2, i + 1, j, String.join("\n", lines.subList(i + 1, j))));
      i = j;
    }
    return out;
  }

  /**
   * What is wrong with {@code readme} against {@code regions}: one line per block that has no
   * marker, names no region, or differs (with the first differing line); empty when it matches.
   */
  public static List<String> problems(String readme, Map<String, String> regions) {
    List<String> problems = new ArrayList<>();
    for (Block b : blocks(readme)) {
      if (b.name().isEmpty()) {
        problems.add(
            "README.md:" + b.line() + ": java block without a <!-- snippet: name --> marker");
        continue;
      }
      String name = b.name().get();
      String code = regions.get(name);
      if (code == null) {
        problems.add(
            "README.md:" + b.line() + ": snippet '" + name + "' has no README:begin region");
        continue;
      }
      List<String> want = normalized(code);
      List<String> have = normalized(b.text());
      for (int k = 0; k < Math.max(want.size(), have.size()); k++) {
        String w = k < want.size() ? want.get(k) : "<end of snippet>";
        String h = k < have.size() ? have.get(k) : "<end of README block>";
        if (!w.equals(h)) {
          problems.add(
              "snippet '"
                  + name
                  + "' (README.md:"
                  + b.line()
                  + ") differs at its line "
                  + (k + 1)
                  + ": README has ["
                  + h
                  + "], the code has ["
                  + w
                  + "]; run .ci/readme-snippets --write");
          break;
        }
      }
    }
    return problems;
  }

  /** {@code readme} with every marked block replaced by its region's text. */
  public static String write(String readme, Map<String, String> regions) {
    List<String> lines = new ArrayList<>(readme.lines().toList());
    List<Block> blocks = blocks(readme);
    for (int i = blocks.size() - 1; i >= 0; i--) {
      Block b = blocks.get(i);
      String code = b.name().map(regions::get).orElse(null);
      if (code != null) {
        List<String> range = lines.subList(b.start(), b.end());
        range.clear();
        range.addAll(code.lines().toList());
      }
    }
    return String.join("\n", lines) + "\n";
  }

  private static List<String> normalized(String text) {
    return text.lines()
        .map(l -> l.strip().replaceAll("\\s+", " "))
        .filter(l -> !l.isEmpty())
        .toList();
  }

  private static String dedent(List<String> lines) {
    int indent = Integer.MAX_VALUE;
    for (String l : lines) {
      if (!l.isBlank()) {
        indent = Math.min(indent, l.length() - l.stripLeading().length());
      }
    }
    int cut = indent == Integer.MAX_VALUE ? 0 : indent;
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      out.add(l.isBlank() ? "" : l.substring(cut).stripTrailing());
    }
    return String.join("\n", out).strip();
  }

  /** {@code --write} rewrites README.md; otherwise prints the problems and exits 1 if any. */
  public static void main(String[] args) throws IOException {
    Path readme = Path.of("README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    Map<String, String> regions = regions(SOURCES);
    if (args.length > 0 && args[0].equals("--write")) {
      Files.writeString(readme, write(text, regions), StandardCharsets.UTF_8);
      System.out.println("README.md: " + blocks(text).size() + " java blocks written");
      return;
    }
    List<String> problems = problems(text, regions);
    problems.forEach(System.err::println);
    System.exit(problems.isEmpty() ? 0 : 1);
  }
}
