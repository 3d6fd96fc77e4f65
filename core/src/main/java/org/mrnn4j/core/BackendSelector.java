package org.mrnn4j.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.mrnn4j.core.spi.Availability;
import org.mrnn4j.core.spi.BackendOptions;
import org.mrnn4j.core.spi.BackendProvider;

/**
 * Chooses a backend among the providers found: an explicit name, else the system property
 * {@value #PROPERTY}, else the environment variable {@value #ENVIRONMENT}, else the highest-ranked
 * available provider. Each provider is probed at most once; whatever a probe or a creation throws
 * (including {@link LinkageError}s from missing native libraries) becomes a
 * {@link BackendUnavailableException} or an unavailable entry, never an escaping error.
 *
 * <p>Most users want the static facade {@link Backends}; this class exists so that the providers
 * and the environment can be given explicitly (tests, containers). Thread-safe.
 */
public final class BackendSelector {
  /** System property naming the backend to use when none is given explicitly. */
  public static final String PROPERTY = "mrnn4j.backend";
  /** Environment variable naming the backend to use when neither a name nor the property is set. */
  public static final String ENVIRONMENT = "MRNN4J_BACKEND";

  private final List<BackendProvider> providers;
  private final List<BackendInfo> broken;
  private final Function<String, String> properties;
  private final Function<String, String> environment;
  private final Map<String, Availability> probes = new ConcurrentHashMap<>();
  private final Function<Backend, Optional<String>> selfTest;

  /**
   * A selector over explicit providers, reading {@value #PROPERTY} and {@value #ENVIRONMENT} from
   * the given lookups (for example {@code System::getProperty} and {@code System::getenv}).
   *
   * @param providers the providers to choose among
   * @param properties looks up system properties by name
   * @param environment looks up environment variables by name
   */
  public BackendSelector(
      List<BackendProvider> providers,
      Function<String, String> properties,
      Function<String, String> environment) {
    this(providers, List.of(), properties, environment, KnownAnswerProbe::run);
  }

  /**
   * A selector as above whose backends must pass {@code selfTest} (empty: passed; else what was
   * wrong) instead of {@link KnownAnswerProbe#run}: for tests of selection with backends that do
   * not compute.
   */
  BackendSelector(
      List<BackendProvider> providers,
      Function<String, String> properties,
      Function<String, String> environment,
      Function<Backend, Optional<String>> selfTest) {
    this(providers, List.of(), properties, environment, selfTest);
  }

  private BackendSelector(
      List<BackendProvider> providers,
      List<BackendInfo> broken,
      Function<String, String> properties,
      Function<String, String> environment,
      Function<Backend, Optional<String>> selfTest) {
    this.providers = List.copyOf(providers);
    this.broken = List.copyOf(broken);
    this.properties = properties;
    this.environment = environment;
    this.selfTest = selfTest;
  }

  /**
   * A selector over the providers that {@link ServiceLoader} finds with {@code loader}, reading the
   * real system properties and environment. A provider class that fails to load is listed as
   * unavailable with the reason.
   *
   * @param loader the class loader to search
   * @return a selector over the providers the loader finds
   */
  public static BackendSelector fromServiceLoader(ClassLoader loader) {
    List<BackendProvider> found = new ArrayList<>();
    List<BackendInfo> broken = new ArrayList<>();
    Iterator<BackendProvider> it = ServiceLoader.load(BackendProvider.class, loader).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        found.add(it.next());
      } catch (ServiceConfigurationError | LinkageError e) {
        broken.add(new BackendInfo("(broken provider)", Integer.MIN_VALUE, "a provider failed to load",
            false, String.valueOf(e.getMessage())));
      }
    }
    return new BackendSelector(found, broken, System::getProperty, System::getenv,
        KnownAnswerProbe::run);
  }

  /** {@return the providers, by descending rank} */
  public List<BackendProvider> providers() {
    return providers.stream()
        .sorted(Comparator.comparingInt(BackendProvider::rank).reversed())
        .collect(Collectors.toList());
  }

  /**
   * {@return the provider called {@code name} (case-insensitive), if present}
   *
   * @param name a backend's name, or null or blank for the default
   */
  public Optional<BackendProvider> provider(String name) {
    String key = name.trim().toLowerCase(Locale.ROOT);
    return providers.stream().filter(p -> p.name().equalsIgnoreCase(key)).findFirst();
  }

  /**
   * Probes {@code provider} and, when it answers available, runs the known-answer
   * {@link KnownAnswerProbe} on a backend it creates with no options (once per selector), turning
   * any failure into an answer: a backend that cannot be trusted is unavailable, with what was
   * wrong, the provider's detail (library versions) and what to do.
   *
   * @param provider the provider
   * @return whether it can run here, and why not
   */
  public Availability probe(BackendProvider provider) {
    return probes.computeIfAbsent(provider.name(), k -> safeProbe(provider));
  }

  private Availability safeProbe(BackendProvider provider) {
    Availability a;
    try {
      a = provider.probe();
      if (a == null) {
        return Availability.unavailable("its probe gave no answer");
      }
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      return Availability.unavailable(describe(t));
    }
    if (!a.available()) {
      return a;
    }
    Backend backend;
    try {
      backend = create(provider, BackendOptions.none());
    } catch (BackendUnavailableException e) {
      return Availability.unavailable(e.reason());
    }
    Optional<String> failure;
    try (backend) {
      failure = selfTest.apply(backend);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      failure = Optional.of("its operations threw " + describe(t));
    }
    if (failure.isEmpty()) {
      return a;
    }
    String remedy = provider.selfTestRemedy();
    String advice = remedy == null || remedy.isBlank()
        ? "Select another backend"
        : remedy.strip() + "; or select another backend";
    return Availability.unavailable("it failed its known-answer self-test, so its results cannot "
        + "be trusted here: " + failure.get() + ". It ran " + a.reason() + ". " + advice
        + " (-D" + PROPERTY + "=NAME or " + ENVIRONMENT + "=NAME)");
  }

  /** {@return every backend found, by descending rank, with its availability} */
  public List<BackendInfo> list() {
    List<BackendInfo> out = new ArrayList<>();
    for (BackendProvider p : providers()) {
      Availability a = probe(p);
      out.add(new BackendInfo(p.name(), p.rank(), p.description(), a.available(), a.reason()));
    }
    out.addAll(broken);
    return out;
  }

  /**
   * The name that {@link #select(String, BackendOptions)} resolves {@code name} to: {@code name}
   * itself when not blank, else the property, else the environment variable, else empty (meaning
   * the best available).
   *
   * @param name a backend's name, or null or blank for the default
   * @return the name asked for, lower case, if any
   */
  public Optional<String> requestedName(String name) {
    for (String candidate :
        new String[] {name, properties.apply(PROPERTY), environment.apply(ENVIRONMENT)}) {
      if (candidate != null && !candidate.isBlank()) {
        return Optional.of(candidate.trim().toLowerCase(Locale.ROOT));
      }
    }
    return Optional.empty();
  }

  /**
   * Creates the backend called {@code name}, or the default when {@code name} is null or blank.
   *
   * @param name a backend's name, or null or blank for the default
   * @param options the backend's options
   * @return the backend, owned by the caller
   * @throws BackendUnavailableException naming the backend and the reason when it is unknown,
   *     unavailable here, or fails to start
   */
  public Backend select(String name, BackendOptions options) {
    Optional<String> requested = requestedName(name);
    if (requested.isPresent()) {
      String n = requested.get();
      BackendProvider p = provider(n).orElseThrow(() -> new BackendUnavailableException(n,
          "no backend of that name is on the class path; found: " + summary()));
      Availability a = probe(p);
      if (!a.available()) {
        throw new BackendUnavailableException(p.name(), a.reason());
      }
      return create(p, options);
    }
    for (BackendProvider p : providers()) {
      if (probe(p).available()) {
        return create(p, options);
      }
    }
    throw new BackendUnavailableException("default",
        providers.isEmpty() ? "no backend is on the class path (add mrnn4j-backend-ejml)"
            : "none of the backends found can run here: " + summary());
  }

  /**
   * Below this many recurrent units, {@link #select(String, BackendOptions, int)} prefers a
   * backend that loads no native code: loading ND4J's native libraries takes about 0.3 s per
   * process, more than a whole analysis of such a network costs on the pure-Java backend.
   */
  public static final int NATIVE_FROM = 128;

  /**
   * {@link #select(String, BackendOptions)} for a problem of {@code units} recurrent units
   * (negative when unknown): with no backend requested and fewer than {@link #NATIVE_FROM}
   * units, the best available backend that loads no native code
   * ({@link BackendProvider#loadsNativeCode()}); otherwise, and when there is none, the usual
   * default. A requested backend is always honoured.
   *
   * @param name a backend's name, or null or blank for the default
   * @param options the backend's options
   * @param units the network's size, for the size-aware default
   * @return the backend, owned by the caller
   * @throws BackendUnavailableException as {@link #select(String, BackendOptions)}
   */
  public Backend select(String name, BackendOptions options, int units) {
    if (requestedName(name).isEmpty() && units >= 0 && units < NATIVE_FROM) {
      for (BackendProvider p : providers()) {
        if (!p.loadsNativeCode() && probe(p).available()) {
          return create(p, options);
        }
      }
    }
    return select(name, options);
  }

  private static Backend create(BackendProvider p, BackendOptions options) {
    try {
      Backend b = p.create(options == null ? BackendOptions.none() : options);
      if (b == null) {
        throw new BackendUnavailableException(p.name(), "its provider created nothing");
      }
      return b;
    } catch (BackendUnavailableException e) {
      throw e;
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      throw new BackendUnavailableException(p.name(), "it failed to start: " + describe(t), t);
    }
  }

  private String summary() {
    if (providers.isEmpty()) {
      return "none";
    }
    return providers().stream()
        .map(p -> {
          Availability a = probe(p);
          return p.name() + (a.available() ? " (available)" : " (unavailable: " + a.reason() + ")");
        })
        .collect(Collectors.joining(", "));
  }

  private static String describe(Throwable t) {
    String msg = t.getMessage();
    String kind = t.getClass().getSimpleName();
    return msg == null || msg.isBlank() ? kind : kind + ": " + msg;
  }
}
