package org.mrnn4j.core.api;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The public SPI of {@code mrnn4j-core} as a sorted text listing, in the manner of Kotlin's
 * binary-compatibility validator: for each type, its header (modifiers, kind, type parameters,
 * supertypes) and one line per public or protected constructor, method and field, with generic
 * signatures, varargs, checked exceptions and the modifiers that bind implementors
 * ({@code abstract}, {@code final}, {@code static}, {@code default}).
 *
 * <p>The listed types are the roots given and every {@code org.mrnn4j.core} type that a listed
 * signature mentions (so a value type such as {@code JacobianSpec} is pinned because {@code
 * Backend.jacobian} takes it), with their public and protected member types.
 */
final class SpiSignatures {
  private static final String PACKAGE = "org.mrnn4j.core";

  private SpiSignatures() {}

  /**
   * The listing of {@code roots} and the core types they expose.
   *
   * @param roots the SPI's entry types
   * @return the listing, one line per member, types sorted by name and members sorted
   */
  static String listing(Iterable<Class<?>> roots) {
    TreeMap<String, Class<?>> types = new TreeMap<>();
    Deque<Class<?>> pending = new ArrayDeque<>();
    roots.forEach(pending::add);
    while (!pending.isEmpty()) {
      Class<?> c = pending.pop();
      if (!visible(c) || types.putIfAbsent(c.getName(), c) != null) {
        continue;
      }
      Set<Class<?>> mentioned = new java.util.HashSet<>();
      mentions(c.getGenericSuperclass(), mentioned);
      for (Type t : c.getGenericInterfaces()) {
        mentions(t, mentioned);
      }
      for (TypeVariable<?> v : c.getTypeParameters()) {
        for (Type b : v.getBounds()) {
          mentions(b, mentioned);
        }
      }
      for (Member m : members(c)) {
        if (m instanceof Executable e) {
          mentions(e instanceof Method method ? method.getGenericReturnType() : null, mentioned);
          for (Type t : e.getGenericParameterTypes()) {
            mentions(t, mentioned);
          }
          for (Type t : e.getGenericExceptionTypes()) {
            mentions(t, mentioned);
          }
        } else if (m instanceof Field f) {
          mentions(f.getGenericType(), mentioned);
        }
      }
      mentioned.addAll(Arrays.asList(c.getDeclaredClasses()));
      for (Class<?> m : mentioned) {
        if (m.getName().startsWith(PACKAGE + ".")) {
          pending.add(m);
        }
      }
    }
    StringBuilder out = new StringBuilder();
    for (Class<?> c : types.values()) {
      out.append(header(c)).append(" {\n");
      TreeSet<String> lines = new TreeSet<>();
      for (Member m : members(c)) {
        lines.add(line(c, m));
      }
      for (String l : lines) {
        out.append("  ").append(l).append('\n');
      }
      out.append("}\n\n");
    }
    return out.toString();
  }

  private static boolean visible(Class<?> c) {
    int m = c.getModifiers();
    if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
      return false;
    }
    boolean self = Modifier.isPublic(m) || Modifier.isProtected(m);
    return self && (c.getDeclaringClass() == null || visible(c.getDeclaringClass()));
  }

  private static List<Member> members(Class<?> c) {
    List<Member> out = new ArrayList<>();
    for (Constructor<?> k : c.getDeclaredConstructors()) {
      // an enum's constructors cannot be called: not part of its API
      if (!c.isEnum() && exposed(k.getModifiers()) && !k.isSynthetic()) {
        out.add(k);
      }
    }
    for (Method m : c.getDeclaredMethods()) {
      if (exposed(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
        out.add(m);
      }
    }
    for (Field f : c.getDeclaredFields()) {
      if (exposed(f.getModifiers()) && !f.isSynthetic()) {
        out.add(f);
      }
    }
    return out;
  }

  private static boolean exposed(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void mentions(Type t, Set<Class<?>> out) {
    if (t instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      out.add(c);
    } else if (t instanceof ParameterizedType p) {
      mentions(p.getRawType(), out);
      for (Type a : p.getActualTypeArguments()) {
        mentions(a, out);
      }
    } else if (t instanceof GenericArrayType g) {
      mentions(g.getGenericComponentType(), out);
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        mentions(b, out);
      }
      for (Type b : w.getLowerBounds()) {
        mentions(b, out);
      }
    }
  }

  private static String header(Class<?> c) {
    int m = c.getModifiers();
    List<String> words = new ArrayList<>();
    words.add(Modifier.isPublic(m) ? "public" : "protected");
    if (c.isInterface()) {
      words.add(c.isSealed() ? "sealed" : "");
      words.add(c.isAnnotation() ? "@interface" : "interface");
    } else if (c.isEnum()) {
      words.add("enum");
    } else if (c.isRecord()) {
      words.add("record");
    } else {
      words.add(Modifier.isAbstract(m) ? "abstract" : "");
      words.add(Modifier.isFinal(m) ? "final" : c.isSealed() ? "sealed" : "");
      words.add("class");
    }
    if (c.getDeclaringClass() != null && Modifier.isStatic(m) && !c.isInterface() && !c.isEnum()
        && !c.isRecord()) {
      words.add(1, "static");
    }
    StringBuilder s = new StringBuilder(
        words.stream().filter(w -> !w.isEmpty()).collect(Collectors.joining(" ")));
    s.append(' ').append(c.getName()).append(typeParameters(c.getTypeParameters()));
    Type sup = c.getGenericSuperclass();
    if (sup != null && sup != Object.class && !c.isEnum() && !c.isRecord()) {
      s.append(" extends ").append(name(sup));
    }
    Type[] interfaces = c.getGenericInterfaces();
    if (interfaces.length > 0) {
      s.append(c.isInterface() ? " extends " : " implements ").append(
          Arrays.stream(interfaces).map(SpiSignatures::name).collect(Collectors.joining(", ")));
    }
    if (c.isSealed() && !c.isEnum()) {
      s.append(" permits ").append(Arrays.stream(c.getPermittedSubclasses())
          .map(Class::getName).sorted().collect(Collectors.joining(", ")));
    }
    return s.toString();
  }

  private static String line(Class<?> owner, Member member) {
    int m = member.getModifiers();
    List<String> words = new ArrayList<>();
    words.add(Modifier.isPublic(m) ? "public" : "protected");
    if (Modifier.isStatic(m)) {
      words.add("static");
    }
    if (member instanceof Method method && method.isDefault()) {
      words.add("default");
    } else if (Modifier.isAbstract(m)) {
      words.add("abstract");
    }
    if (Modifier.isFinal(m)) {
      words.add("final");
    }
    String prefix = String.join(" ", words) + " ";
    if (member instanceof Field f) {
      return prefix + "field " + name(f.getGenericType()) + " " + f.getName();
    }
    Executable e = (Executable) member;
    StringBuilder s = new StringBuilder(prefix);
    String tp = typeParameters(e.getTypeParameters());
    if (!tp.isEmpty()) {
      s.append(tp).append(' ');
    }
    if (e instanceof Method method) {
      s.append(name(method.getGenericReturnType())).append(' ').append(method.getName());
    } else {
      s.append("<init>");
    }
    Type[] params = e.getGenericParameterTypes();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < params.length; i++) {
      String n = name(params[i]);
      if (e.isVarArgs() && i == params.length - 1 && n.endsWith("[]")) {
        n = n.substring(0, n.length() - 2) + "...";
      }
      names.add(n);
    }
    s.append('(').append(String.join(", ", names)).append(')');
    Type[] thrown = e.getGenericExceptionTypes();
    if (thrown.length > 0) {
      s.append(" throws ").append(Arrays.stream(thrown).map(SpiSignatures::name).sorted()
          .collect(Collectors.joining(", ")));
    }
    return s.toString();
  }

  private static String typeParameters(TypeVariable<?>[] vars) {
    if (vars.length == 0) {
      return "";
    }
    List<String> out = new ArrayList<>();
    for (TypeVariable<?> v : vars) {
      Type[] bounds = v.getBounds();
      boolean plain = bounds.length == 1 && bounds[0] == Object.class;
      out.add(plain ? v.getName() : v.getName() + " extends "
          + Arrays.stream(bounds).map(SpiSignatures::name).collect(Collectors.joining(" & ")));
    }
    return "<" + String.join(", ", out) + ">";
  }

  private static String name(Type t) {
    return t.getTypeName();
  }
}
