/** Azure example: reading a blob with an Azure Workload Identity token kept fresh by Ephemera. */
@NullMarked
package dev.ephemera.examples.azure;

import org.jspecify.annotations.NullMarked;
