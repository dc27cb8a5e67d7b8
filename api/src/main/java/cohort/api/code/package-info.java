/** Code that travels: the jars a job names by digest, which nodes fetch and load apart. */
package cohort.api.code;
