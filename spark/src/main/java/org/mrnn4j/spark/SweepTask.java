package org.mrnn4j.spark;

import java.io.Serializable;
import java.util.List;

/**
 * One task of a sweep: a model, an input, the states to analyse and the analysis. A Java bean, so
 * that Spark encodes it ({@code Encoders.bean}); {@link SweepTasks} reads tasks from JSON Lines.
 *
 * <ul>
 *   <li>{@code id}: the task's name, repeated in every result row;
 *   <li>{@code model}: a path as {@code mrnn4j analyze} takes it: an mRNNTorch config, a
 *       {@code .pth} checkpoint with its {@code .json} beside it, or a saved mrnn4j model;
 *   <li>{@code input}: the constant input, one value per input unit, or one value for every unit
 *       (default: zeros);
 *   <li>{@code steps}: simulate this many steps from the model's initial condition and analyse
 *       every state, the initial one included ({@code steps + 1} states);
 *   <li>{@code states}: instead of {@code steps}, a {@code .npy} file of states ({@code [N]},
 *       {@code [T, N]} or {@code [1, T, N]}, as {@code mrnn4j simulate} writes them);
 *   <li>{@code regions}: linearize over these regions only (default: all);
 *   <li>{@code analysis}: {@code summary}, {@code spectrum} or {@code fixed_points};
 *   <li>{@code model_arguments}: the model's constructor arguments, as a config's {@code model}
 *       block holds them ({@code {"type": "leaky", "activation": "tanh", "dt": 10, "tau": 50,
 *       "rec_constrained": true, "inp_constrained": false}}); they override the config's model
 *       block, and a required one given by neither is an error row;
 *   <li>{@code mrnntorch_defaults}: {@code true} lets mRNNTorch's defaults fill missing
 *       constructor arguments (default false);
 *   <li>{@code lesion}: run the analysis on a lesioned copy of the model: a lesion in
 *       {@link org.mrnn4j.models.Lesion}'s syntax ({@code silence:REGION}, {@code cut:SRC->DST},
 *       {@code scale:SRC->DST=F}), or a list of them applied together; every row carries it;
 *   <li>{@code seed}: the seed of a config given without weights and of the fixed-point starts
 *       (default 0): a task is a pure function of its fields, so Spark may rerun it.
 * </ul>
 *
 * @serial exclude
 */
public class SweepTask implements Serializable {
  private static final long serialVersionUID = 1L;

  private String id;
  private String model;
  private List<Double> input;
  private Integer steps;
  private String states;
  private List<String> regions;
  private String analysis;
  private Long seed;
  private String modelArguments;
  private Boolean mrnntorchDefaults;
  private List<String> lesion;
  private String error;

  /** An empty task, for Spark's bean encoder. */
  public SweepTask() {}

  /** {@return the task's id} */
  public String getId() {
    return id;
  }

  /** @param id the task's id */
  public void setId(String id) {
    this.id = id;
  }

  /** {@return the model's path} */
  public String getModel() {
    return model;
  }

  /** @param model the model's path */
  public void setModel(String model) {
    this.model = model;
  }

  /** {@return the constant input, or null for zeros} */
  public List<Double> getInput() {
    return input;
  }

  /** @param input the constant input: one value per input unit, or one for all */
  public void setInput(List<Double> input) {
    this.input = input;
  }

  /** {@return the steps to simulate, or null when the states come from a file} */
  public Integer getSteps() {
    return steps;
  }

  /** @param steps the steps to simulate */
  public void setSteps(Integer steps) {
    this.steps = steps;
  }

  /** {@return the {@code .npy} file of states, or null} */
  public String getStates() {
    return states;
  }

  /** @param states the {@code .npy} file of states */
  public void setStates(String states) {
    this.states = states;
  }

  /** {@return the regions to linearize over, or null for all} */
  public List<String> getRegions() {
    return regions;
  }

  /** @param regions the regions to linearize over */
  public void setRegions(List<String> regions) {
    this.regions = regions;
  }

  /** {@return the analysis: summary, spectrum or fixed_points} */
  public String getAnalysis() {
    return analysis;
  }

  /** @param analysis the analysis */
  public void setAnalysis(String analysis) {
    this.analysis = analysis;
  }

  /** {@return the seed, or null for 0} */
  public Long getSeed() {
    return seed;
  }

  /** @param seed the seed */
  public void setSeed(Long seed) {
    this.seed = seed;
  }

  /** {@return the model's constructor arguments as a JSON object's text, or null} */
  public String getModelArguments() {
    return modelArguments;
  }

  /** @param modelArguments the constructor arguments as a JSON object's text, or null */
  public void setModelArguments(String modelArguments) {
    this.modelArguments = modelArguments;
  }

  /** {@return whether mRNNTorch's defaults may fill missing constructor arguments, or null} */
  public Boolean getMrnntorchDefaults() {
    return mrnntorchDefaults;
  }

  /** @param mrnntorchDefaults whether mRNNTorch's defaults may fill missing arguments */
  public void setMrnntorchDefaults(Boolean mrnntorchDefaults) {
    this.mrnntorchDefaults = mrnntorchDefaults;
  }

  /** {@return the lesions applied together before the analysis, or null for none} */
  public List<String> getLesion() {
    return lesion;
  }

  /** @param lesion the lesions, each in {@link org.mrnn4j.models.Lesion}'s syntax, or null */
  public void setLesion(List<String> lesion) {
    this.lesion = lesion;
  }

  /** {@return why the task could not be read, or null} */
  public String getError() {
    return error;
  }

  /** @param error why the task could not be read (its result is one error row) */
  public void setError(String error) {
    this.error = error;
  }
}
