import InkBridgeCore
import InkBridgeSandbox

/// Snapshots of what the emulated systems hold, printed before and after.
enum DemoReport {
    struct CRMState {
        var opportunity: JSONObject
        var deal: JSONObject
    }

    static func crmState(_ s: DemoSystems) -> CRMState {
        CRMState(opportunity: s.salesforce.record("Opportunity", id: DemoConfig.salesforceOpportunity)?.fields ?? JSONObject(),
                 deal: s.hubspot.record("deals", id: DemoConfig.hubspotDeal)?.properties ?? JSONObject())
    }

    static func printCRM(before: CRMState, after: CRMState) {
        Output.line("Salesforce Opportunity \(DemoConfig.salesforceOpportunity) (acme), before -> after:")
        printFields(before.opportunity, after.opportunity)
        Output.line("HubSpot deal \(DemoConfig.hubspotDeal) (globex), before -> after:")
        printFields(before.deal, after.deal)
    }

    static func printFields(_ before: JSONObject, _ after: JSONObject) {
        var keys = before.keys
        for k in after.keys where !keys.contains(k) { keys.append(k) }
        for k in keys {
            let b = before[k].map(text) ?? "-", a = after[k].map(text) ?? "-"
            Output.line("  \(k.padded(22)) \(b.padded(30)) -> \(a)\(a == b ? "" : "   (changed)")")
        }
    }

    struct ZendeskState {
        var organizationFields: JSONObject
        var tickets: [ZendeskTicket]
    }

    static func zendeskState(_ s: DemoSystems) -> ZendeskState {
        ZendeskState(organizationFields: s.zendesk.organization(DemoSystems.zendeskOrganization)?.fields ?? JSONObject(),
                     tickets: s.zendesk.tickets.filter { $0.organizationID == DemoSystems.zendeskOrganization })
    }

    static func printZendesk(_ snapshots: [(String, ZendeskState)]) {
        Output.line("Zendesk organisation \(DemoSystems.zendeskOrganization) (acme) and its tickets:")
        for (label, state) in snapshots {
            let fields = state.organizationFields.entries.map { "\($0.key)=\(text($0.value))" }.joined(separator: " ")
            Output.line("  \(label.padded(15)) organisation_fields: \(fields.isEmpty ? "(none)" : fields)")
            for t in state.tickets {
                Output.line("  \("".padded(15)) #\(t.id) \(t.status.padded(8)) priority \((t.priority ?? "-").padded(7)) tags \(t.tags.joined(separator: ","))")
            }
        }
    }

    static func text(_ v: JSON) -> String { v.scalarText ?? v.jsonText }
}
