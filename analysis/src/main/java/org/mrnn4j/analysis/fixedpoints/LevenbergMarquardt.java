package org.mrnn4j.analysis.fixedpoints;

/**
 * The search from one start: Levenberg-Marquardt on the residual {@code r(s) = F(s) - s} with the
 * analytic Jacobian (Nielsen's damping update), then pure Newton steps to polish.
 *
 * <p>Why Levenberg-Marquardt: far from a root, its damped steps descend {@code q = 1/2 |r|^2} like
 * gradient descent; near a regular root the damping vanishes and it becomes Newton's method
 * (quadratic convergence); where {@code J - I} is singular (slow points, continuous attractors) the
 * damping keeps every step finite and the search settles on a local minimum of {@code q}.
 */
final class LevenbergMarquardt {
  private static final double TAU = 1e-3;
  /** Beyond this damping the step is below any tolerance: nothing more can be gained. */
  private static final double MAX_DAMPING = 1e300;

  private LevenbergMarquardt() {}

  static StartRecord solve(FixedPointSystem sys, double[] start, int index, FixedPointOptions o) {
    int n = sys.dimension();
    double[] s = start.clone();
    double[] r = new double[n];
    double[] jac = new double[n * n];
    double[] a = new double[n * n];
    double[] ata = new double[n * n];
    double[] g = new double[n];
    double[] negG = new double[n];
    double[] delta = new double[n];
    double[] trial = new double[n];
    double[] rTrial = new double[n];

    sys.residual(s, r);
    double q = 0.5 * FixedPointSystem.dot(r, r);
    if (!finite(s) || !Double.isFinite(q)) {
      return new StartRecord(index, start.clone(), s, q, 0, StartStatus.DIVERGED);
    }
    double mu = -1;
    double nu = 2;
    int iterations = 0;
    StartStatus status = null;
    outer:
    while (true) {
      if (q <= o.tolQ()) {
        status = StartStatus.CONVERGED;
        break;
      }
      if (iterations >= o.maxIterations()) {
        status = StartStatus.MAX_ITERATIONS;
        break;
      }
      iterations++;
      sys.residualJacobian(s, jac);
      // g = J^T r
      double gMax = 0;
      for (int j = 0; j < n; j++) {
        double v = 0;
        for (int i = 0; i < n; i++) {
          v += jac[i * n + j] * r[i];
        }
        g[j] = v;
        negG[j] = -v;
        gMax = Math.max(gMax, Math.abs(v));
      }
      if (gMax <= o.tolGradient() * Math.sqrt(2 * q)) {
        status = StartStatus.SLOW_POINT; // r is orthogonal to the range of J: dq/ds = 0
        break;
      }
      // A = J^T J (each entry summed over the rows of J in order)
      double diagMax = Dense.gram(jac, n, ata, a);
      if (mu < 0) {
        mu = TAU * Math.max(diagMax, Double.MIN_NORMAL);
      }
      double sNorm = Dense.norm(s);
      while (true) {
        System.arraycopy(ata, 0, a, 0, n * n);
        for (int p = 0; p < n; p++) {
          a[p * n + p] += mu;
        }
        boolean solved = Dense.choleskySolve(a, n, negG, delta);
        if (solved) {
          double stepNorm = Dense.norm(delta);
          if (stepNorm <= o.tolStep() * (1.0 + sNorm)) {
            status = StartStatus.SLOW_POINT; // refined below if q is at a root
            break outer;
          }
          for (int i = 0; i < n; i++) {
            trial[i] = s[i] + delta[i];
          }
          sys.residual(trial, rTrial);
          double qTrial = 0.5 * FixedPointSystem.dot(rTrial, rTrial);
          // predicted decrease of the local quadratic model: 1/2 delta^T (mu delta - g)
          double predicted = 0;
          for (int i = 0; i < n; i++) {
            predicted += delta[i] * (mu * delta[i] - g[i]);
          }
          predicted *= 0.5;
          double rho = (q - qTrial) / predicted;
          if (Double.isFinite(qTrial) && qTrial < q && rho > 0) {
            double[] t = s;
            s = trial;
            trial = t;
            t = r;
            r = rTrial;
            rTrial = t;
            q = qTrial;
            double f = 2 * rho - 1;
            mu *= Math.max(1.0 / 3.0, 1 - f * f * f);
            nu = 2;
            continue outer;
          }
        }
        mu *= nu;
        nu *= 2;
        if (!(mu < MAX_DAMPING)) {
          status = StartStatus.SLOW_POINT;
          break outer;
        }
      }
    }

    // Newton polish: from a converged point each step roughly squares the residual.
    for (int k = 0; k < o.polishSteps() && q > 0; k++) {
      sys.residualJacobian(s, jac);
      for (int i = 0; i < n; i++) {
        negG[i] = -r[i];
      }
      if (!Dense.luSolve(jac, n, negG, delta)) {
        break;
      }
      for (int i = 0; i < n; i++) {
        trial[i] = s[i] + delta[i];
      }
      sys.residual(trial, rTrial);
      double qTrial = 0.5 * FixedPointSystem.dot(rTrial, rTrial);
      if (!(qTrial < q)) {
        break;
      }
      double[] t = s;
      s = trial;
      trial = t;
      t = r;
      r = rTrial;
      rTrial = t;
      q = qTrial;
      iterations++;
    }
    if (!finite(s) || !Double.isFinite(q)) {
      status = StartStatus.DIVERGED;
    } else if (q <= o.tolQ() || q <= sys.roundingFloor(s)) {
      status = StartStatus.CONVERGED;
    }
    return new StartRecord(index, start.clone(), s, q, iterations, status);
  }

  private static boolean finite(double[] v) {
    for (double x : v) {
      if (!Double.isFinite(x)) {
        return false;
      }
    }
    return true;
  }
}
