package dev.ephemera.testkit.threads;

/**
 * {@code Thread.ofVirtual()}, reached by reflection: the testkit compiles for Java 17, where the
 * method does not exist, and runs its virtual-thread checks on 21 and later.
 */
final class VirtualThreads {
  private VirtualThreads() {}

  /** An unstarted virtual thread named {@code name} running {@code task}. */
  static Thread unstarted(String name, Runnable task) {
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      Class<?> api = Class.forName("java.lang.Thread$Builder");
      builder = api.getMethod("name", String.class).invoke(builder, name);
      return (Thread) api.getMethod("unstarted", Runnable.class).invoke(builder, task);
    } catch (ReflectiveOperationException e) {
      throw new UnsupportedOperationException(
          "no virtual threads on " + Runtime.version() + " (JDK 21 or later has them)", e);
    }
  }
}
