package cohort.node.tasks.thumbnail;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A thumbnail, as the task's output. Without an {@code out} folder it carries the image's bytes,
 * which the client writes under its {@code --out} folder as {@code file}; with one, the node wrote
 * it to {@code path}.
 *
 * @param file the thumbnail's name: the input's name, with the format's extension
 * @param width its width in pixels
 * @param height its height in pixels
 * @param format its format
 * @param data its bytes, or null when the node wrote it
 * @param path where the node wrote it, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Thumbnail(
    String file, int width, int height, String format, byte[] data, String path) {}
