package org.mrnn4j.analysis.continuation;

import java.util.Objects;
import java.util.function.DoubleFunction;
import org.mrnn4j.core.Activation;
import org.mrnn4j.core.dynamics.HostMap;
import org.mrnn4j.core.dynamics.HostNetwork;

/**
 * Builds {@link ContinuationFamily families} from a function giving the map at each parameter
 * value, for the two residual forms mRNN kinds use, where the network's weights and drive
 * ({@link HostNetwork}) are affine in the parameter (an input moved along a direction, a block's
 * gain, an interpolation between two checkpoints):
 *
 * <ul>
 *   <li>{@link #affineResidual}: residuals affine in the weights and drive, such as the leaky
 *       model's in pre-activations, {@code r = alpha (-x + W act(x) + c)}: then
 *       {@code dr/dp = r(x, p + 1) - r(x, p)} exactly (up to rounding);
 *   <li>{@link #activationOfAffineDrive}: residuals {@code r = act(z) - s} with
 *       {@code z = W s + c} (the Elman model, and the leaky model in activations): then
 *       {@code dr/dp = act'(z) (z(p + 1) - z(p))}, exact.
 * </ul>
 *
 * <p>Both are checked once against a central difference of the residual when the continuation
 * starts ({@link PseudoArclength} refuses a family whose derivative disagrees).
 */
public final class ContinuationFamilies {
  private ContinuationFamilies() {}

  /**
   * A family whose residual is affine in the parameter.
   *
   * @param dimension the maps' dimension
   * @param maps the map at each parameter value
   * @param dt the Euler time step of the maps' ODE, or NaN
   * @param name the parameter's name
   * @return the family
   */
  public static ContinuationFamily affineResidual(int dimension, DoubleFunction<HostMap> maps,
      double dt, String name) {
    Objects.requireNonNull(maps, "maps");
    return new Base(dimension, maps, dt, name) {
      @Override
      public void parameterDerivative(HostMap map, double p, double[] x, double[] out) {
        double[] r1 = new double[dimension];
        maps.apply(p + 1).residual(x, r1);
        map.residual(x, out);
        for (int i = 0; i < dimension; i++) {
          out[i] = r1[i] - out[i];
        }
      }
    };
  }

  /**
   * A family whose residual is {@code act(W(p) s + c(p)) - s} with {@code W} and {@code c}
   * (the maps' {@link HostNetwork}) affine in the parameter.
   *
   * @param dimension the maps' dimension
   * @param maps the map at each parameter value
   * @param activation the activation
   * @param beta softplus's {@code beta} (ignored by the other activations)
   * @param dt the Euler time step of the maps' ODE, or NaN
   * @param name the parameter's name
   * @return the family
   */
  public static ContinuationFamily activationOfAffineDrive(int dimension,
      DoubleFunction<HostMap> maps, Activation activation, double beta, double dt, String name) {
    Objects.requireNonNull(maps, "maps");
    Objects.requireNonNull(activation, "activation");
    return new Base(dimension, maps, dt, name) {
      @Override
      public void parameterDerivative(HostMap map, double p, double[] x, double[] out) {
        HostNetwork n0 = map.network();
        HostNetwork n1 = maps.apply(p + 1).network();
        for (int i = 0; i < dimension; i++) {
          double z0 = n0.dotRow(i, x) + n0.drive()[i];
          double z1 = n1.dotRow(i, x) + n1.drive()[i];
          out[i] = activation.derivative(z0, beta) * (z1 - z0);
        }
      }
    };
  }

  private abstract static class Base implements ContinuationFamily {
    private final int dimension;
    private final DoubleFunction<HostMap> maps;
    private final double dt;
    private final String name;

    Base(int dimension, DoubleFunction<HostMap> maps, double dt, String name) {
      if (dimension < 1) {
        throw new IllegalArgumentException("a family needs at least one state entry, got "
            + dimension);
      }
      this.dimension = dimension;
      this.maps = maps;
      this.dt = dt;
      this.name = name == null ? "p" : name;
    }

    @Override
    public int dimension() {
      return dimension;
    }

    @Override
    public HostMap at(double p) {
      return maps.apply(p);
    }

    @Override
    public double continuousTimeStep() {
      return dt;
    }

    @Override
    public String parameterName() {
      return name;
    }
  }
}
