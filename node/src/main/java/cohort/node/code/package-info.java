/**
 * Code that travels with jobs: jars fetched from the coordinator by digest, checked, and loaded in
 * a class loader of their own per set of jars, closed when no job has used it for a while.
 */
package cohort.node.code;
