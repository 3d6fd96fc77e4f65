/**
 * The pure-Java CPU backend on <a href="https://ejml.org">EJML</a>, mrnn4j's embedded default:
 * select it with {@code Backends.select("ejml")}, or bind it with {@link
 * org.mrnn4j.backend.ejml.EjmlModule}.
 */
package org.mrnn4j.backend.ejml;
