import InkBridgeCore

/// An event mapped for one CRM write: the field values and the key that selects the record
/// (its id, or the external id / unique property value of an upsert). Both CRM connectors
/// start a delivery by building one; a failure makes the delivery permanent.
struct MappedRecord {
    let fields: [(field: String, value: JSON)]
    let key: String

    /// The fields are resolved before the key, so a failure names the first problem in mapping order.
    init(_ event: ContractEvent, fields: FieldMapping, target: RecordTarget) throws(MappingFailure) {
        self.fields = try fields.resolve(event).get()
        key = try target.value(in: event).get()
    }
}
