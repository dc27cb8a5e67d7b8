package cohort.protocol;

/**
 * Marker for every message that crosses JVMs.
 *
 * <p>{@code conf/cohort.conf} binds this interface to Pekko's Jackson CBOR serializer, and Java
 * serialization is switched off, so a record that travels between JVMs without this marker fails
 * loudly instead of being sent in a slow or unsafe format.
 */
public interface CborSerializable {}
