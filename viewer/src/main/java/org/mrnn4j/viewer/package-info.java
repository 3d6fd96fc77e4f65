/**
 * The browser viewer behind {@code mrnn4j view}: a local HTTP server ({@link
 * org.mrnn4j.viewer.ViewerServer}, the JDK's own {@code com.sun.net.httpserver}) holding one
 * loaded model ({@link org.mrnn4j.viewer.ViewerSession}), its page and a JSON API over the
 * application layer.
 *
 * <p>Routes (every request carries the token, as {@code ?token=} or the {@code X-Mrnn4j-Token}
 * header; anything else is 404):
 *
 * <ul>
 *   <li>{@code GET /}, {@code GET /assets/viewer.js}, {@code /assets/viewer.css},
 *       {@code /assets/d3.min.js} (from the WebJar {@code org.webjars.npm:d3:7.9.0});
 *   <li>{@code GET /api/model}: name, kind, units, regions, inputs, the input, backend, the
 *       states' count and labels, {@code grid_max};
 *   <li>{@code POST /api/field}: one window ({@code center}, {@code half}, {@code grid}) at one
 *       state on a plane ({@code regions}, {@code cancel_others}, {@code plane} pca or eigen:K,
 *       {@code through} mean, state or fp:K): {@code x}, {@code y}, {@code nonlinear} and
 *       {@code linear} ({@code vx}, {@code vy}, {@code speed}, rows the y index), the state and
 *       the trajectory on the plane, the explained variance and axis labels; the values of
 *       {@code mrnn4j flow-field} for the same plane, window and grid;
 *   <li>{@code POST /api/fixed-points}: the fixed points at an input, on the plane, with their
 *       stability, distance from the slice and eigenvalues;
 *   <li>{@code POST /api/spectrum}: the eigenvalues at a state or fixed point (by modulus,
 *       descending) and one mode's participation by region and eigenvector on the plane;
 *   <li>{@code POST /api/continuation}: the fixed points continued along the input's direction.
 * </ul>
 *
 * <p>Bodies are JSON objects of at most 64 KiB; an invalid one is answered 400 {@code {"error":
 * "one-line reason"}}; a request of a page ({@code client}) superseded by a newer one ({@code
 * seq}) before its computation starts is answered 204. Non-finite numbers are written as null.
 */
package org.mrnn4j.viewer;
