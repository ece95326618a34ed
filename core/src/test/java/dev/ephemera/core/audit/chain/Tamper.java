package dev.ephemera.core.audit.chain;

import dev.ephemera.core.audit.chain.ChainProblem.Kind;
import java.util.ArrayList;
import java.util.List;

/** What an attacker (or an accident) does to a chain of 12 events, and what the verifier says. */
enum Tamper {
  EDIT_A_FIELD(Kind.EDITED) {
    @Override
    List<String> apply(ChainFixture fx, List<String> lines) {
      lines.set(3, lines.get(3).replace("\"source\":\"source-2\"", "\"source\":\"source-9\""));
      return lines;
    }
  },
  DELETE_AN_ENTRY(Kind.DELETED) {
    @Override
    List<String> apply(ChainFixture fx, List<String> lines) {
      lines.remove(4);
      return lines;
    }
  },
  REORDER_TWO(Kind.REORDERED) {
    @Override
    List<String> apply(ChainFixture fx, List<String> lines) {
      String a = lines.get(3);
      lines.set(3, lines.get(4));
      lines.set(4, a);
      return lines;
    }
  },
  INSERT_ONE(Kind.INSERTED) {
    @Override
    List<String> apply(ChainFixture fx, List<String> lines) {
      // a copy of seq 3 with other content, linked and hashed as the writer would, without keys
      lines.add(4, ChainFixture.rehash(lines.get(3).replace("source-2", "intruder")));
      return lines;
    }
  },
  TRUNCATE_THE_TAIL(Kind.TRUNCATED) {
    @Override
    List<String> apply(ChainFixture fx, List<String> lines) {
      return new ArrayList<>(lines.subList(0, lines.size() - 3));
    }
  },
  SPLICE_TWO_LOGS(Kind.SPLICED) {
    @Override
    List<String> apply(ChainFixture fx, List<String> lines) {
      List<String> other = fx.chain("e2", 12);
      List<String> spliced = new ArrayList<>(lines.subList(0, 8));
      spliced.addAll(other.subList(8, other.size()));
      return spliced;
    }
  },
  REPLAY_A_CHECKPOINT(Kind.REPLAYED_CHECKPOINT) {
    @Override
    List<String> apply(ChainFixture fx, List<String> lines) {
      // the second checkpoint's place, the first one's head and signature, no MAC
      String second = lines.get(ChainFixture.indexOfKind(lines, "CHECKPOINT", 1));
      String first = lines.get(ChainFixture.indexOfKind(lines, "CHECKPOINT", 0));
      String replayed =
          ChainFixture.rehash(
              second.substring(0, second.indexOf(",\"head\""))
                  + first.substring(first.indexOf(",\"head\""), first.indexOf(",\"mac\""))
                  + "}");
      lines.set(ChainFixture.indexOfKind(lines, "CHECKPOINT", 1), replayed);
      return lines;
    }
  },
  FORGE_A_CHECKPOINT(Kind.FORGED_CHECKPOINT) {
    @Override
    List<String> apply(ChainFixture fx, List<String> lines) {
      int cp = ChainFixture.indexOfKind(lines, "CHECKPOINT", 0);
      String line = lines.get(cp);
      String sig = line.substring(line.indexOf("\"sig\":\"") + 7, line.indexOf("\",\"mac\""));
      String other = (sig.charAt(0) == 'A' ? "B" : "A") + sig.substring(1);
      lines.set(cp, line.replace(sig, other));
      return lines;
    }
  },
  SIGN_WITH_ANOTHER_KEY(Kind.WRONG_KEY) {
    @Override
    List<String> apply(ChainFixture fx, List<String> lines) {
      return new ChainFixture().chain("e1", 12); // same shape, another signing key
    }
  };

  final Kind caught;

  Tamper(Kind caught) {
    this.caught = caught;
  }

  abstract List<String> apply(ChainFixture fx, List<String> lines);
}
