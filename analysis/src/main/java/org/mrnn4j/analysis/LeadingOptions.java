package org.mrnn4j.analysis;

/**
 * What {@link Spectra#leading} computes: how many eigenvalues, which ones, and the limits of the
 * Krylov iteration. Immutable; the {@code with...} methods return modified copies.
 *
 * <p>Defaults: the 6 eigenvalues of largest modulus without eigenvectors; a basis of
 * {@code max(2k + 1, 20)} vectors (ARPACK's and SciPy's choice); a budget of
 * {@code max(300, n / 8)} products, about a third of what a dense eigendecomposition costs at
 * {@code n = 2048} on a CPU; a residual tolerance of {@code 1e-10} (float64) or {@code 1e-4}
 * (float32, whose products round at 1e-7) relative to the Frobenius norm of the projected matrix
 * (at most {@code |J|_F}); and the dense path as fallback up to {@value #DEFAULT_DENSE_LIMIT}
 * units.
 */
public final class LeadingOptions {

  /** Which end of the spectrum is wanted. */
  public enum Order {
    /** Largest {@code |lambda|} first: the spectral radius, discrete-time stability. */
    MODULUS,
    /** Largest real part first: continuous-time stability of {@code I + dt A}. */
    REAL_PART
  }

  /**
   * From this many units the command line's default analysis, and {@link
   * org.mrnn4j.analysis.fixedpoints.FixedPointOptions#AUTO}, compute the leading eigenvalues
   * only. Measured with JMH on the benchmark network (nd4j, 2 cores; README Results), the
   * dense eigenvalues took 164 ms at 512 units, 633 ms at 1024 and 3.3 s at 2048, the leading
   * ones with the unstable count 18, 62 and 106 ms. Below 1024 the whole spectrum costs under
   * half a second and tells more (every time constant), so it stays the default there.
   */
  public static final int LEADING_FROM = 1024;

  /** The number of leading eigenvalues computed by default from {@link #LEADING_FROM} units. */
  public static final int DEFAULT_COUNT = 6;

  /** Up to this many units, an unconverged Krylov run falls back to the dense path. */
  public static final int DEFAULT_DENSE_LIMIT = 4096;

  private final int count;
  private final Order order;
  private final boolean vectors;
  private final int subspace;
  private final int maxProducts;
  private final double tolerance;
  private final int denseLimit;

  private LeadingOptions(int count, Order order, boolean vectors, int subspace, int maxProducts,
      double tolerance, int denseLimit) {
    this.count = count;
    this.order = order;
    this.vectors = vectors;
    this.subspace = subspace;
    this.maxProducts = maxProducts;
    this.tolerance = tolerance;
    this.denseLimit = denseLimit;
  }

  /** {@return the defaults (see the class description)} */
  public static LeadingOptions defaults() {
    return new LeadingOptions(DEFAULT_COUNT, Order.MODULUS, false, 0, 0, Double.NaN,
        DEFAULT_DENSE_LIMIT);
  }

  /**
   * The {@code k} eigenvalues of largest modulus, other settings by default.
   *
   * @param k the number of eigenvalues wanted, at least 1
   * @return the options
   * @throws IllegalArgumentException if {@code k < 1}
   */
  public static LeadingOptions largestModulus(int k) {
    return defaults().withCount(k);
  }

  /**
   * With {@code k} eigenvalues wanted (one more when the {@code k}-th has its conjugate next).
   *
   * @param k the number of eigenvalues wanted, at least 1
   * @return a modified copy
   * @throws IllegalArgumentException if {@code k < 1}
   */
  public LeadingOptions withCount(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("the number of leading eigenvalues must be >= 1, got " + k);
    }
    return new LeadingOptions(k, order, vectors, subspace, maxProducts, tolerance, denseLimit);
  }

  /**
   * With this end of the spectrum wanted.
   *
   * @param o the end of the spectrum, not null
   * @return a modified copy
   */
  public LeadingOptions withOrder(Order o) {
    return new LeadingOptions(count, java.util.Objects.requireNonNull(o, "order"), vectors,
        subspace, maxProducts, tolerance, denseLimit);
  }

  /**
   * With or without eigenvectors in the result.
   *
   * @param v whether eigenvectors are returned
   * @return a modified copy
   */
  public LeadingOptions withVectors(boolean v) {
    return new LeadingOptions(count, order, v, subspace, maxProducts, tolerance, denseLimit);
  }

  /**
   * With a basis of at most {@code m} vectors (0: the default).
   *
   * @param m the largest basis size, or 0 for the default
   * @return a modified copy
   * @throws IllegalArgumentException if {@code m} is negative
   */
  public LeadingOptions withSubspace(int m) {
    if (m < 0) {
      throw new IllegalArgumentException("the subspace size must be >= 0, got " + m);
    }
    return new LeadingOptions(count, order, vectors, m, maxProducts, tolerance, denseLimit);
  }

  /**
   * With a budget of at most {@code products} Jacobian-vector products (0: the default).
   *
   * @param products the product budget, or 0 for the default
   * @return a modified copy
   * @throws IllegalArgumentException if {@code products} is negative
   */
  public LeadingOptions withMaxProducts(int products) {
    if (products < 0) {
      throw new IllegalArgumentException("the product budget must be >= 0, got " + products);
    }
    return new LeadingOptions(count, order, vectors, subspace, products, tolerance, denseLimit);
  }

  /**
   * With this residual tolerance, relative (NaN: the default for the dtype).
   *
   * @param t the relative residual tolerance, positive, or NaN for the default
   * @return a modified copy
   * @throws IllegalArgumentException if it is not positive or NaN
   */
  public LeadingOptions withTolerance(double t) {
    if (!(t > 0) && !Double.isNaN(t)) {
      throw new IllegalArgumentException("the tolerance must be positive, got " + t);
    }
    return new LeadingOptions(count, order, vectors, subspace, maxProducts, t, denseLimit);
  }

  /**
   * With the dense fallback allowed up to {@code n} units (0: never).
   *
   * @param n the largest number of units for the dense fallback, or 0 for none
   * @return a modified copy
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public LeadingOptions withDenseLimit(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("the dense limit must be >= 0, got " + n);
    }
    return new LeadingOptions(count, order, vectors, subspace, maxProducts, tolerance, n);
  }

  /** {@return the number of eigenvalues wanted} */
  public int count() {
    return count;
  }

  /** {@return which end of the spectrum is wanted} */
  public Order order() {
    return order;
  }

  /** {@return whether eigenvectors are returned} */
  public boolean vectors() {
    return vectors;
  }

  /** The largest basis for dimension {@code n}: the set value or the default, below {@code n}. */
  int subspaceFor(int n) {
    int m = subspace > 0 ? subspace : Math.max(2 * count + 1, 20);
    return Math.max(count + 2, Math.min(m, n - 1));
  }

  /** The product budget for dimension {@code n}. */
  int maxProductsFor(int n) {
    return maxProducts > 0 ? maxProducts : Math.max(300, n / 8);
  }

  /** The tolerance for float32 ({@code single}) or float64 products. */
  double toleranceFor(boolean single) {
    return !Double.isNaN(tolerance) ? tolerance : single ? 1e-4 : 1e-10;
  }

  /** {@return up to how many units the dense path is the fallback (0: never)} */
  public int denseLimit() {
    return denseLimit;
  }

  @Override
  public String toString() {
    return "LeadingOptions[" + count + " by " + order + (vectors ? ", vectors" : "")
        + (subspace > 0 ? ", subspace " + subspace : "")
        + (maxProducts > 0 ? ", at most " + maxProducts + " products" : "")
        + (Double.isNaN(tolerance) ? "" : ", tolerance " + tolerance)
        + ", dense up to " + denseLimit + "]";
  }
}
