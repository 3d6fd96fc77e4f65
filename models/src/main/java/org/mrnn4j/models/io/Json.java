package org.mrnn4j.models.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.node.ValueNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one strict JSON reader of the package: a document is exactly one JSON value (trailing
 * content is an error), an object key may appear once (Python's {@code json} silently keeps the
 * last copy; an ambiguous file is refused instead), and Jackson's stream limits (nesting depth
 * 1000, number length 1000, string length 20 M) and a memory budget of 16 times the document's
 * size ({@code ReadBudget}, charged per tree node) bound what a hostile file can make it build.
 * Every parse error becomes a {@link ModelFormatException} naming the file and the line and
 * column. Public so that other modules' readers of mrnn4j's documents use it too.
 */
public final class Json {
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  private Json() {}

  /** Parses a whole document held in memory (UTF-8, or UTF-16/32 with a byte-order mark). */
  static JsonNode parse(byte[] json, Object source, String expected) throws ModelFormatException {
    return parse(() -> MAPPER.createParser(json), source, expected,
        ReadBudget.forJson(source, json.length));
  }

  /** Parses a whole document held in a string. */
  static JsonNode parse(String json, Object source, String expected) throws ModelFormatException {
    return parse(() -> MAPPER.createParser(json), source, expected,
        ReadBudget.forJson(source, 2L * json.length()));
  }

  /** Raised inside Jackson when the tree would pass the budget; unwrapped by {@link #parse}. */
  private static final class OverBudget extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OverBudget(ModelFormatException cause) {
      super(cause);
    }
  }

  /**
   * Jackson's node factory, charging the budget with (an estimate of) each node's heap size
   * before it is built, so that a document's tree cannot grow past a multiple of the file's size
   * (an array of 14 million {@code {}} is 42 MB of text and would be gigabytes of nodes).
   */
  private static final class BudgetedNodes extends JsonNodeFactory {
    private static final long serialVersionUID = 1L;
    private final transient ReadBudget budget;

    BudgetedNodes(ReadBudget budget) {
      super(false);
      this.budget = budget;
    }

    private void charge(long bytes, String what) {
      if (budget.tryCharge(bytes)) {
        return;
      }
      try {
        budget.charge(bytes, null, what);
      } catch (ModelFormatException e) {
        throw new OverBudget(e);
      }
    }

    @Override
    public ObjectNode objectNode() {
      charge(96, "a JSON object");
      return super.objectNode();
    }

    @Override
    public ArrayNode arrayNode() {
      charge(64, "a JSON array");
      return super.arrayNode();
    }

    @Override
    public ArrayNode arrayNode(int capacity) {
      charge(64 + 8L * Math.max(0, capacity), "a JSON array");
      return super.arrayNode(capacity);
    }

    @Override
    public NumericNode numberNode(double v) {
      charge(32, "a JSON number");
      return super.numberNode(v);
    }

    @Override
    public NumericNode numberNode(long v) {
      charge(32, "a JSON number");
      return super.numberNode(v);
    }

    @Override
    public NumericNode numberNode(int v) {
      charge(32, "a JSON number");
      return super.numberNode(v);
    }

    @Override
    public ValueNode numberNode(java.math.BigInteger v) {
      charge(64, "a JSON number");
      return super.numberNode(v);
    }

    @Override
    public ValueNode numberNode(java.math.BigDecimal v) {
      charge(64, "a JSON number");
      return super.numberNode(v);
    }

    @Override
    public TextNode textNode(String text) {
      charge(72 + 2L * (text == null ? 0 : text.length()), "a JSON string");
      return super.textNode(text);
    }

    @Override
    public BooleanNode booleanNode(boolean v) {
      charge(8, "a JSON value");
      return super.booleanNode(v);
    }

    @Override
    public NullNode nullNode() {
      charge(8, "a JSON value");
      return super.nullNode();
    }
  }

  /** Opens a parser over a document in memory. */
  @FunctionalInterface
  private interface ParserSource {
    JsonParser open() throws IOException;
  }

  private static JsonNode parse(ParserSource document, Object source, String expected,
      ReadBudget budget) throws ModelFormatException {
    try (JsonParser parser = document.open()) {
      return read(parser, new BudgetedNodes(budget));
    } catch (OverBudget e) {
      throw (ModelFormatException) e.getCause();
    } catch (JsonProcessingException e) {
      if (e.getCause() instanceof OverBudget over) {
        throw (ModelFormatException) over.getCause();
      }
      throw invalid(source, expected, e);
    } catch (IOException e) {
      // Only a CharConversionException (bad UTF-16/32) can come from an in-memory array.
      throw new ModelFormatException(source, null, "not valid JSON (" + expected + "): "
          + e.getMessage(), e);
    }
  }

  /**
   * Reads a file whole, then parses it (so that a decoding error is a format error too).
   *
   * @param expected what the document should be, for messages ("an mRNNTorch config")
   * @param file the JSON file
   * @return the document
   * @throws ModelFormatException naming the file, line and column when it is not valid JSON,
   *     repeats a key, or would need more memory than its size warrants
   * @throws IOException if it cannot be read
   */
  public static JsonNode read(Path file, String expected) throws IOException {
    return parse(InputFiles.readAllBytes(file, "a JSON file", 1), file, expected);
  }

  private static JsonNode read(JsonParser parser, JsonNodeFactory nodes) throws IOException {
    JsonNode node = MAPPER.reader().with(nodes).readTree(parser);
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
