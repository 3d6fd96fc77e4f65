/** The outputs of {@code mrnn4j analyze}: the JSON report and the eigenvalue spectrum plot. */
package org.mrnn4j.cli.report;
