/** Direct calls from the Java client straight to the nodes' direct ports: {@link DirectClient}. */
package cohort.client.direct;
