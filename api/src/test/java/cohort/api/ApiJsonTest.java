package cohort.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class ApiJsonTest {

  private static final ObjectMapper JSON = ApiJson.newMapper();

  private static JobRequest read(String fields) throws Exception {
    return JSON.readValue("{\"task\":\"echo\"," + fields + "}", JobRequest.class);
  }

  /** Tests that values of the right type are read as given. */
  @Test
  void readsValuesOfTheRightType() throws Exception {
    JobRequest request = read("\"batch\":3,\"ordered\":false,\"split\":null,\"inputs\":[0.10]");
    assertThat(request.batch()).isEqualTo(3);
    assertThat(request.ordered()).isFalse();
    assertThat(request.split()).isNull();
    assertThat(request.inputs().get(0).decimalValue()).isEqualTo(new BigDecimal("0.10"));
  }

  /** Tests that no value is coerced into another type: each is refused with the field's path. */
  @Test
  void refusesEveryCoercion() {
    for (String wrong :
        new String[] {
          "\"batch\":\"3\"",
          "\"batch\":1.5",
          "\"batch\":3.0",
          "\"batch\":true",
          "\"batch\":\"\"",
          "\"ordered\":1",
          "\"ordered\":\"true\"",
          "\"combine\":5",
          "\"combine\":1.5",
          "\"combine\":false",
          "\"inputs\":5",
          "\"inputs\":\"1\"",
          "\"params\":[1]"
        }) {
      assertThatThrownBy(() -> read(wrong))
          .as(wrong)
          .isInstanceOf(MismatchedInputException.class)
          .satisfies(
              e ->
                  assertThat(((MismatchedInputException) e).getPath())
                      .as(wrong)
                      .hasSize(1)
                      .first()
                      .satisfies(
                          ref -> assertThat(wrong).startsWith("\"" + ref.getFieldName() + "\"")));
    }
  }
}
