/**
 * Who may talk to a Cohort cluster: the bearer token every HTTP request and direct call carries,
 * shared by the coordinator that checks it and the clients that send it.
 */
package cohort.api.security;
