package org.mrnn4j.viewer;

/** A request the viewer refuses with 400 (or 409) and this one-line reason. */
class BadRequest extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param reason the reason, naming the field and what was expected */
  BadRequest(String reason) {
    super(reason, null, false, false);
  }

  /** {@return the HTTP status: 400} */
  int status() {
    return 400;
  }

  /** A request valid in itself that needs something done first: 409. */
  static final class Conflict extends BadRequest {
    private static final long serialVersionUID = 1L;

    /** @param reason what to do first */
    Conflict(String reason) {
      super(reason);
    }

    @Override
    int status() {
      return 409;
    }
  }
}
