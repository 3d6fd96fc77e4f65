/**
 * Reading and writing model files: mRNNTorch JSON configs ({@link org.mrnn4j.models.io.MrnnConfig}),
 * PyTorch state-dict checkpoints ({@link org.mrnn4j.models.io.TorchCheckpoint},
 * {@link org.mrnn4j.models.io.CheckpointLoader}) and mrnn4j's own model file
 * ({@link org.mrnn4j.models.io.ModelFiles}).
 *
 * <h2>Untrusted input: the contract</h2>
 *
 * <p>Configs come from strangers' repositories and checkpoints are pickles, so every reader here
 * treats its input as hostile:
 *
 * <ul>
 *   <li><b>One exception type.</b> Malformed input ends in a {@link
 *       org.mrnn4j.models.io.ModelFormatException} (checked, a subclass of {@link
 *       java.io.IOException}) and nothing else: never a Jackson exception, {@code
 *       NumberFormatException}, {@code ClassCastException}, {@code NullPointerException}, {@code
 *       IllegalArgumentException}, {@code ArithmeticException} or {@code OutOfMemoryError}. Its
 *       message names the file (or the name given for in-memory data), the entry or field
 *       ({@code recurrent_regions[2].num_units}, {@code archive/data.pkl, pickle byte 40
 *       (GLOBAL)}, {@code key 'rnn.W_rec'}, {@code parameters.W_inp[3][1]}, {@code line 4,
 *       column 7}) and what was expected; {@link org.mrnn4j.models.io.ModelFormatException#file()},
 *       {@link org.mrnn4j.models.io.ModelFormatException#location()} and {@link
 *       org.mrnn4j.models.io.ModelFormatException#problem()} give the three parts. A file that
 *       cannot be read at all (missing, unreadable) is a plain {@code IOException}; an argument
 *       that is not input (a null path, a closed backend) is the usual unchecked exception.
 *   <li><b>Bounded allocation.</b> Every size a file claims is checked against the bytes present
 *       before memory is allocated for it: zip entries (at most 50,000), their declared and
 *       inflated sizes (at most 2 GiB inflated in all, deflate ratio at most 1032:1), the pickle
 *       (at most 256 MiB; its stack, memo and MARK nesting bounded), each tensor's storage, shape,
 *       strides and offset (exact 64-bit arithmetic; no tensor larger than its storage; at most
 *       2^28 elements in all). JSON documents are read with Jackson's stream limits (nesting
 *       depth 1000, numbers of at most 1000 digits). A config's sizes are checked before any
 *       tensor is made: no region may exceed, and the network's weight matrices may not exceed,
 *       what a tensor holds ({@link org.mrnn4j.models.ModelSpec#MAX_UNITS}, {@link
 *       org.mrnn4j.models.ModelSpec#MAX_ELEMENTS}); a saved model's matrices must have the
 *       config's shape before they are copied.
 *   <li><b>No code execution.</b> A checkpoint's pickle is interpreted by a strict whitelist
 *       unpickler: a global outside {@code collections.OrderedDict}, torch's tensor rebuild
 *       functions, storage classes and dtypes ({@code os.system}, {@code builtins.eval}, {@code
 *       subprocess.Popen}, ...) is refused, naming it, at the opcode that names it, before any
 *       tensor is built. Nothing is ever called or reflected upon.
 *   <li><b>No hang.</b> Every loop is bounded by the input's length or a limit above; nothing
 *       recurses on input structure beyond Jackson's depth limit.
 *   <li><b>Strict JSON.</b> One value per document (trailing content is an error), no duplicate
 *       object keys (Python keeps the last copy silently; an ambiguous file is refused), no
 *       {@code NaN} or {@code Infinity} literals, and numbers that overflow a double are refused
 *       where a finite value is required.
 *   <li><b>Finite weights.</b> Weights loaded from a checkpoint or a saved model must be finite:
 *       a NaN or infinity is reported with the key and the element's index.
 * </ul>
 *
 * <p>These properties are exercised by Jazzer fuzz targets and a mutation-corpus test in the
 * test sources ({@code org.mrnn4j.models.fuzz}). {@code mvn verify} replays the fuzz targets'
 * corpora (regression mode) and runs the mutation corpus (thousands of inputs derived from valid
 * files). A longer fuzzing run of one target, whose findings are written next to the corpus as
 * regression inputs:
 *
 * <pre>
 * JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -pl models test -Dtest=CheckpointFuzzTest
 * </pre>
 *
 * (likewise {@code ConfigFuzzTest} and {@code ModelFilesFuzzTest}).
 */
package org.mrnn4j.models.io;
