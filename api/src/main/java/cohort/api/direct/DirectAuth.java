package cohort.api.direct;

/**
 * What a client sends right after the hello: the node token (derived from the cluster's token, see
 * {@link cohort.api.security.Token#forNodes()}), without which a node takes no call.
 *
 * @param token the node token's text
 */
public record DirectAuth(String token) {

  @Override
  public String toString() {
    return "DirectAuth[token hidden]";
  }
}
