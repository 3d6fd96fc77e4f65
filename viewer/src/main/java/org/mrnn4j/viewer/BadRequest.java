package org.mrnn4j.viewer;

/** A request the viewer refuses with 400 and this one-line reason. */
final class BadRequest extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param reason the reason, naming the field and what was expected */
  BadRequest(String reason) {
    super(reason, null, false, false);
  }
}
