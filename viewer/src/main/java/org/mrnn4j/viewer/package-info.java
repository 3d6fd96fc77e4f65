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
 *       states' count and labels (and {@code inputs} where states have their own),
 *       {@code grid_max};
 *   <li>{@code POST /api/field}: one window ({@code center}, {@code half}, {@code grid}) at one
 *       state on a plane ({@code regions}, {@code cancel_others}, {@code plane} pca or eigen:K,
 *       {@code through} mean, state or fp:K): {@code x}, {@code y}, {@code nonlinear} and
 *       {@code linear} ({@code vx}, {@code vy}, {@code speed}, rows the y index), the state and
 *       the trajectory on the plane, the explained variance and axis labels, {@code linear_at}
 *       (where the linear field's Jacobian was taken, and with {@code cancel_others} that the
 *       other regions are held at the state, as mRNNTorch's); the values of {@code mrnn4j
 *       flow-field} for the same plane, window and grid; a plane naming a fixed point whose
 *       input has not had its fixed points found is answered 409;
 *   <li>{@code POST /api/fixed-points}: the fixed points at an input, on the plane, with their
 *       stability, distance from the slice ({@code on_plane} against the request's window
 *       {@code half}), {@code q} and eigenvalues;
 *   <li>{@code POST /api/spectrum}: the eigenvalues of the plane regions' Jacobian (the others
 *       held; {@code regions}, {@code of}, {@code leading_only}) at a state or fixed point (by
 *       modulus, descending) and one mode's participation by region and eigenvector on the
 *       plane;
 *   <li>{@code POST /api/continuation}: the fixed points continued along the input's direction.
 * </ul>
 *
 * <p>The {@code Host} header must name the server and an {@code Origin}, when sent, must be
 * {@code "http://" + Host} (else 403); past the queues a request is answered 503. Bodies are
 * JSON objects of at most 64 KiB; an invalid one is answered 400 {@code {"error":
 * "one-line reason"}}; a request of a page ({@code client}) superseded by a newer one ({@code
 * seq}) before its computation starts is answered 204. Non-finite numbers are written as null.
 */
package org.mrnn4j.viewer;
