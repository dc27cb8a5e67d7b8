/** The coordinator's HTTP/JSON API: {@link cohort.coordinator.http.HttpApi}. */
package cohort.coordinator.http;
