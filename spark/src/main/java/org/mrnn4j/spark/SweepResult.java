package org.mrnn4j.spark;

import java.io.Serializable;
import java.util.List;

/**
 * One row of a sweep's results: one analysed state of a task (or one fixed point), or one error
 * row for a task that could not run. A Java bean for Spark's encoder; {@link SweepOutput} writes
 * it with snake_case names ({@code spectral_radius}, ...). Fields that do not apply are null.
 *
 * @serial exclude
 */
public class SweepResult implements Serializable {
  private static final long serialVersionUID = 1L;

  private String id;
  private Integer state;
  private String analysis;
  private Integer units;
  private Double spectralRadius;
  private Integer unstableModes;
  private List<Double> leadingReal;
  private List<Double> leadingImag;
  private List<Double> eigenvaluesReal;
  private List<Double> eigenvaluesImag;
  private Double q;
  private Boolean stable;
  private String lesion;
  private String backend;
  private String error;

  /** An empty row, for Spark's bean encoder. */
  public SweepResult() {}

  /** {@return the task's id} */
  public String getId() {
    return id;
  }

  /** @param id the task's id */
  public void setId(String id) {
    this.id = id;
  }

  /** {@return the state's index (0: the initial condition), the fixed point's, or null} */
  public Integer getState() {
    return state;
  }

  /** @param state the state's index */
  public void setState(Integer state) {
    this.state = state;
  }

  /** {@return the analysis that made the row} */
  public String getAnalysis() {
    return analysis;
  }

  /** @param analysis the analysis that made the row */
  public void setAnalysis(String analysis) {
    this.analysis = analysis;
  }

  /** {@return the number of linearized units} */
  public Integer getUnits() {
    return units;
  }

  /** @param units the number of linearized units */
  public void setUnits(Integer units) {
    this.units = units;
  }

  /** {@return the largest |lambda|} */
  public Double getSpectralRadius() {
    return spectralRadius;
  }

  /** @param spectralRadius the largest |lambda| */
  public void setSpectralRadius(Double spectralRadius) {
    this.spectralRadius = spectralRadius;
  }

  /** {@return the number of eigenvalues with |lambda| > 1} */
  public Integer getUnstableModes() {
    return unstableModes;
  }

  /** @param unstableModes the number of eigenvalues with |lambda| > 1 */
  public void setUnstableModes(Integer unstableModes) {
    this.unstableModes = unstableModes;
  }

  /** {@return the real parts of the leading eigenvalues, largest modulus first} */
  public List<Double> getLeadingReal() {
    return leadingReal;
  }

  /** @param leadingReal the real parts of the leading eigenvalues */
  public void setLeadingReal(List<Double> leadingReal) {
    this.leadingReal = leadingReal;
  }

  /** {@return the imaginary parts of the leading eigenvalues} */
  public List<Double> getLeadingImag() {
    return leadingImag;
  }

  /** @param leadingImag the imaginary parts of the leading eigenvalues */
  public void setLeadingImag(List<Double> leadingImag) {
    this.leadingImag = leadingImag;
  }

  /** {@return every eigenvalue's real part (the spectrum analysis), largest modulus first} */
  public List<Double> getEigenvaluesReal() {
    return eigenvaluesReal;
  }

  /** @param eigenvaluesReal every eigenvalue's real part */
  public void setEigenvaluesReal(List<Double> eigenvaluesReal) {
    this.eigenvaluesReal = eigenvaluesReal;
  }

  /** {@return every eigenvalue's imaginary part (the spectrum analysis)} */
  public List<Double> getEigenvaluesImag() {
    return eigenvaluesImag;
  }

  /** @param eigenvaluesImag every eigenvalue's imaginary part */
  public void setEigenvaluesImag(List<Double> eigenvaluesImag) {
    this.eigenvaluesImag = eigenvaluesImag;
  }

  /** {@return a fixed point's speed q = |F(s) - s|^2 / 2} */
  public Double getQ() {
    return q;
  }

  /** @param q a fixed point's speed */
  public void setQ(Double q) {
    this.q = q;
  }

  /** {@return whether a fixed point is stable} */
  public Boolean getStable() {
    return stable;
  }

  /** @param stable whether a fixed point is stable */
  public void setStable(Boolean stable) {
    this.stable = stable;
  }

  /** {@return the lesion the model carried (its syntax; several joined by " + "), or null} */
  public String getLesion() {
    return lesion;
  }

  /** @param lesion the lesion the model carried, or null for the intact model */
  public void setLesion(String lesion) {
    this.lesion = lesion;
  }

  /** {@return the backend that computed the row} */
  public String getBackend() {
    return backend;
  }

  /** @param backend the backend that computed the row */
  public void setBackend(String backend) {
    this.backend = backend;
  }

  /** {@return what went wrong (the file and field where the loaders say it), or null} */
  public String getError() {
    return error;
  }

  /** @param error what went wrong */
  public void setError(String error) {
    this.error = error;
  }
}
