/** A consumer of every Ephemera product module, as an application on the module path is. */
module dev.ephemera.it.modulepath {
  requires dev.ephemera.core;
  requires dev.ephemera.aws;
  requires dev.ephemera.gcp;
  requires dev.ephemera.azure;
  requires dev.ephemera.vault;
  requires static org.jspecify;
  // the test compiles a second consumer with javac, on this module path
  requires java.compiler;

  exports dev.ephemera.it.modulepath;
}
