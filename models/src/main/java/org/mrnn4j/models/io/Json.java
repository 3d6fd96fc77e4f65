package org.mrnn4j.models.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one strict JSON reader of the package: a document is exactly one JSON value (trailing
 * content is an error), an object key may appear once (Python's {@code json} silently keeps the
 * last copy; an ambiguous file is refused instead), and Jackson's stream limits (nesting depth
 * 1000, number length 1000, string length 20 M) bound what a hostile file can make it build.
 * Every parse error becomes a {@link ModelFormatException} naming the file and the line and
 * column.
 */
final class Json {
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  private Json() {}

  /** Parses a whole document held in memory (UTF-8, or UTF-16/32 with a byte-order mark). */
  static JsonNode parse(byte[] json, Object source, String expected) throws ModelFormatException {
    return parse(() -> MAPPER.createParser(json), source, expected);
  }

  /** Parses a whole document held in a string. */
  static JsonNode parse(String json, Object source, String expected) throws ModelFormatException {
    return parse(() -> MAPPER.createParser(json), source, expected);
  }

  /** Opens a parser over a document in memory. */
  @FunctionalInterface
  private interface ParserSource {
    JsonParser open() throws IOException;
  }

  private static JsonNode parse(ParserSource document, Object source, String expected)
      throws ModelFormatException {
    try (JsonParser parser = document.open()) {
      return read(parser);
    } catch (JsonProcessingException e) {
      throw invalid(source, expected, e);
    } catch (IOException e) {
      // Only a CharConversionException (bad UTF-16/32) can come from an in-memory array.
      throw new ModelFormatException(source, null, "not valid JSON (" + expected + "): "
          + e.getMessage(), e);
    }
  }

  /** Reads a file whole, then parses it (so that a decoding error is a format error too). */
  static JsonNode read(Path file, String expected) throws IOException {
    return parse(Files.readAllBytes(file), file, expected);
  }

  private static JsonNode read(JsonParser parser) throws IOException {
    JsonNode node = MAPPER.readTree(parser);
    // readTree(JsonParser) leaves what follows the first value unread: insist on the end.
    if (node != null && parser.nextToken() != null) {
      throw new com.fasterxml.jackson.core.JsonParseException(parser,
          "trailing content after the JSON value");
    }
    return node;
  }

  private static ModelFormatException invalid(Object source, String expected,
      JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null || at.getLineNr() < 1 ? null
        : "line " + at.getLineNr() + ", column " + at.getColumnNr();
    return new ModelFormatException(source, where, "not valid JSON (" + expected + "): "
        + e.getOriginalMessage(), e);
  }
}
