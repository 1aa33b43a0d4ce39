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

    static func text(_ v: JSON) -> String { v.scalarText ?? v.jsonText }
}
