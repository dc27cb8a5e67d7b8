/**
 * Who may use a coordinator: the token every HTTP request carries ({@link ApiTokens}, checked by
 * {@link ApiAccess}), HTTPS ({@link Https}), and the rule that a coordinator reachable beyond
 * loopback is never open ({@link Exposure}).
 */
package cohort.coordinator.security;
