/**
 * The {@code thumbnail} task: image scaling with reduced-resolution decoding and EXIF orientation.
 */
package cohort.node.tasks.thumbnail;
