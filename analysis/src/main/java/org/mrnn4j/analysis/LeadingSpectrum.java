package org.mrnn4j.analysis;

import java.util.Locale;
import org.mrnn4j.core.Eigendecomposition;

/**
 * The leading eigenvalues of a Jacobian ({@link Spectra#leading}) and what can be concluded from
 * them, honestly: the pairs that converged, each with its residual; how many did not; the method
 * that produced them; and the stability answers with a flag saying whether they are exact.
 * Immutable.
 *
 * <p>When a Krylov run converges, its pairs are the leading ones as far as a Krylov method can
 * tell: an eigenvalue whose eigenvector is (numerically) orthogonal to the start vector can be
 * missed, as with ARPACK. When it does not (the wanted eigenvalues lie inside the dense bulk of a
 * random-like spectrum, where Krylov methods converge slowly), the result keeps the pairs that
 * did converge, reports how many did not and the largest modulus among them
 * ({@link #bulkRadius()}, an estimate of how far the bulk reaches), and either comes from the
 * dense path (method {@link Method#DENSE_FALLBACK}, where the dimension is within
 * {@link LeadingOptions#denseLimit()}) or stays partial.
 */
public final class LeadingSpectrum {

  /** How the eigenvalues were computed. */
  public enum Method {
    /** The Krylov iteration, every wanted pair converged or this is a partial answer. */
    KRYLOV,
    /** The dense eigendecomposition, chosen up front (a small Jacobian, or asked for). */
    DENSE,
    /**
     * The dense eigendecomposition after the Krylov iteration stopped unconverged (its budget
     * spent, or its next wanted pair stagnating inside the bulk).
     */
    DENSE_FALLBACK
  }

  /** How far {@link #unstableModes()} can be trusted. */
  public enum Certainty {
    /** Every eigenvalue is known (dense), or a stable one converged after all the unstable ones. */
    EXACT,
    /**
     * The unstable outliers converged; the rest of the spectrum, a bulk that did not converge,
     * has Ritz values within {@link Spectra#BULK_MARGIN}, so it is taken to be stable. Ritz values
     * are estimates: a highly non-normal Jacobian can hide eigenvalues from them.
     */
    BULK_ESTIMATE,
    /** The search stopped among unstable modes: there are at least this many. */
    LOWER_BOUND
  }

  private final int dimension;
  private final LeadingOptions.Order order;
  private final int wanted;
  private final Eigendecomposition eigenvalues;
  private final double[] residuals;
  private final Method method;
  private final int products;
  private final double bulkRadius;
  private final int unstable;
  private final Certainty certainty;
  private final double spectralRadius;

  LeadingSpectrum(int dimension, LeadingOptions.Order order, int wanted,
      Eigendecomposition eigenvalues, double[] residuals, Method method, int products,
      double bulkRadius, int unstable, Certainty certainty, double spectralRadius) {
    this.dimension = dimension;
    this.order = order;
    this.wanted = wanted;
    this.eigenvalues = eigenvalues;
    this.residuals = residuals;
    this.method = method;
    this.products = products;
    this.bulkRadius = bulkRadius;
    this.unstable = unstable;
    this.certainty = certainty;
    this.spectralRadius = spectralRadius;
  }

  /** {@return the dimension of the Jacobian} */
  public int dimension() {
    return dimension;
  }

  /** {@return which end of the spectrum was wanted} */
  public LeadingOptions.Order order() {
    return order;
  }

  /**
   * {@return how many pairs were wanted (the count asked for, plus one to keep a conjugate pair
   * whole)}
   */
  public int wanted() {
    return wanted;
  }

  /**
   * The converged eigenvalues (with eigenvectors when asked for), in the canonical order of
   * {@link Eigendecomposition} (descending modulus), whatever the order they were sought in.
   *
   * @return the converged eigenvalues, and eigenvectors when asked for
   */
  public Eigendecomposition eigenvalues() {
    return eigenvalues;
  }

  /** {@return how many wanted pairs converged} */
  public int converged() {
    return eigenvalues.size();
  }

  /** {@return how many wanted pairs did not converge (0 unless the answer is partial)} */
  public int unconverged() {
    return wanted - eigenvalues.size();
  }

  /** {@return whether every wanted pair converged} */
  public boolean isComplete() {
    return unconverged() == 0;
  }

  /**
   * The residual {@code |J x - lambda x| / |x|} of converged pair {@code i} (canonical order),
   * measured on {@code J} itself; NaN for eigenvalues of the dense path computed without vectors
   * (which meet the backend's bound, {@code 1e-10 |J|_F}).
   *
   * @param i the index of the pair, from 0 to {@link #converged()} - 1
   * @return the relative residual of pair {@code i}, or NaN
   */
  public double residual(int i) {
    return residuals[i];
  }

  /** {@return the residuals of every converged pair, in canonical order (a copy)} */
  public double[] residuals() {
    return residuals.clone();
  }

  /** {@return how the eigenvalues were computed} */
  public Method method() {
    return method;
  }

  /** {@return the Jacobian-vector products spent (0 on the dense path chosen up front)} */
  public int products() {
    return products;
  }

  /**
   * The largest modulus among the wanted Ritz values that did not converge, an estimate of the
   * reach of the spectrum's bulk; NaN when every wanted pair converged.
   *
   * @return the bulk's estimated radius, or NaN
   */
  public double bulkRadius() {
    return bulkRadius;
  }

  /**
   * {@return the spectral radius, max {@code |lambda|}, or NaN when it is not known (the leading
   * pair did not converge)}
   */
  public double spectralRadius() {
    return spectralRadius;
  }

  /**
   * The number of modes with {@code |lambda| > 1}, as far as {@link #unstableCertainty()} says:
   * exact, resting on the bulk's Ritz values, or a lower bound.
   *
   * @return the number of unstable modes
   */
  public int unstableModes() {
    return unstable;
  }

  /** {@return how far {@link #unstableModes()} can be trusted} */
  public Certainty unstableCertainty() {
    return certainty;
  }

  /** {@return whether {@link #unstableModes()} is exact} */
  public boolean unstableModesExact() {
    return certainty == Certainty.EXACT;
  }

  /** This answer with its unstable count's certainty changed. */
  LeadingSpectrum withCertainty(Certainty c) {
    return new LeadingSpectrum(dimension, order, wanted, eigenvalues, residuals, method, products,
        bulkRadius, unstable, c, spectralRadius);
  }

  /** {@return one line on how the answer was reached, for reports} */
  public String describe() {
    String head = switch (method) {
      case DENSE -> "dense eigendecomposition";
      case KRYLOV -> String.format(Locale.ROOT, "Krylov-Schur: %d of %d converged in %d products",
          converged(), wanted, products);
      case DENSE_FALLBACK -> String.format(Locale.ROOT,
          "dense eigendecomposition, Krylov-Schur having stopped unconverged after %d products"
              + " (the wanted eigenvalues lie in the bulk)", products);
    };
    if (method == Method.KRYLOV && !isComplete()) {
      head += String.format(Locale.ROOT,
          "; %d lie in the bulk, which reaches |lambda| ~ %.4g", unconverged(), bulkRadius);
      if (!Double.isNaN(bulkRadius) && bulkRadius >= 1.0) {
        head += ", across the unit circle";
      }
    }
    return head + switch (certainty) {
      case EXACT -> "";
      case BULK_ESTIMATE -> "; the unstable count assumes the bulk stays inside |lambda| < "
          + Spectra.BULK_MARGIN + ", as its Ritz values do";
      case LOWER_BOUND -> "; the unstable count is a lower bound";
    };
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "LeadingSpectrum[%s, n %d, spectral radius %.6g, %s%d unstable]",
        describe(), dimension, spectralRadius,
        certainty == Certainty.LOWER_BOUND ? ">= " : "", unstable);
  }
}
