/**
 * The reference eigensolver: {@link org.mrnn4j.eigen.ReferenceEigensolver} decomposes a general
 * real matrix held as a row-major {@code double[]}, within the contract of
 * {@link org.mrnn4j.core.Backend#eig}. Backends without an eigensolver of their own return it from
 * {@code doEig}.
 */
package org.mrnn4j.eigen;
