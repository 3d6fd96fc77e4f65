/**
 * The native CPU backend on ND4J: {@link org.mrnn4j.backend.nd4j.Nd4jBackend} (OpenBLAS matrix
 * products, LAPACK eigendecomposition), its {@link org.mrnn4j.backend.nd4j.Nd4jBackendProvider}
 * (name {@code nd4j}, rank 200) and {@link org.mrnn4j.backend.nd4j.Nd4jModule} for Guice.
 */
package org.mrnn4j.backend.nd4j;
