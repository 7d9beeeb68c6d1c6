import Foundation
@testable import SkiffAPI
import Testing

@Suite struct SelectorParsingTests {
    /// Text -> canonical form (sorted by key, values sorted, no spaces but Kubernetes' own).
    static let valid: [Row<String>] = [
        Row("empty selects everything", "", [""]),
        Row("equals", "app=web", ["app=web"]),
        Row("double equals", "app==web", ["app==web"]),
        Row("not equals", "tier!=db", ["tier!=db"]),
        Row("in", "env in (prod, staging)", ["env in (prod,staging)"]),
        Row("notin", "env notin (dev)", ["env notin (dev)"]),
        Row("exists", "release", ["release"]),
        Row("does not exist", "!canary", ["!canary"]),
        Row("kubectl example", "app=web,tier!=db,env in (prod, staging),env notin (dev),release,!canary",
            ["app=web,!canary,env in (prod,staging),env notin (dev),release,tier!=db"]),
        Row("whitespace", "  app = web ,\ttier\n!= db ", ["app=web,tier!=db"]),
        Row("empty values", "x in (foo,,baz),y,z notin ()", ["x in (,baz,foo),y,z notin ()"]),
        Row("empty exact value", "x=", ["x="]),
        Row("duplicate values collapse", "x in (b,a,b)", ["x in (a,b)"]),
        Row("prefixed key", "app.kubernetes.io/name=web", ["app.kubernetes.io/name=web"]),
        Row("keywords are values in parentheses", "x in (in, notin)", ["x in (in,notin)"]),
        Row("keyword as a key", "in=1", ["in=1"]),
        Row("greater than", "generation>5", ["generation>5"]),
        Row("less than", "generation<5", ["generation<5"]),
        Row("same key twice keeps order", "a!=1,a!=2", ["a!=1,a!=2"]),
    ]

    @Test(arguments: valid)
    func parses(_ row: Row<String>) throws {
        let selector = try Selector(parsing: row.input)
        #expect(selector.description == row.errors[0])
        // The canonical form reads back to the same selector.
        #expect(try Selector(parsing: selector.description) == selector)
    }

    /// Text -> error description (position, then Kubernetes' message).
    static let invalid: [Row<String>] = [
        Row("unclosed values", "app in (a", ["at position 9: unable to parse requirement: found '', expected: ',' or ')'"]),
        Row("operator first", "=web", ["at position 0: found '=', expected: !, identifier, or 'end of string'"]),
        Row("trailing comma", "app=web,", ["at position 8: found '', expected: identifier after ','"]),
        Row("missing operator", "app web", ["at position 4: unable to parse requirement: found 'web', expected: in, notin, =, ==, !=, gt, lt"]),
        Row("in without parentheses", "app in dev", ["at position 7: unable to parse requirement: found 'dev' expected: '('"]),
        Row("space inside a value", "app=we b", ["at position 7: found 'b', expected: ',' or 'end of string'"]),
        Row("missing comma in values", "app in (a b)", ["at position 10: unable to parse requirement: found 'b', expected: ',' or ')'"]),
        Row("value after does-not-exist", "!app=web", ["at position 4: found '=', expected: ',' or 'end of string'"]),
        Row("invalid key", "-app=web", ["at position 0: unable to parse requirement: key: Invalid value: \"-app\": " + Messages.qualifiedNamePart]),
        Row("invalid value", "app=-web", ["at position 0: unable to parse requirement: values[0][app]: Invalid value: \"-web\": " + Messages.labelValue]),
        Row("non-integer comparison", "generation>x",
            ["at position 0: unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer"]),
        Row("bang alone", "!", ["at position 1: unable to parse requirement: found '', expected: identifier"]),
        Row("double comma", "a,,b", ["at position 2: found ',', expected: identifier after ','"]),
    ]

    @Test(arguments: invalid)
    func rejects(_ row: Row<String>) {
        #expect(throws: SelectorError.self) { try Selector(parsing: row.input) }
        do {
            _ = try Selector(parsing: row.input)
        } catch {
            #expect(error.description == row.errors[0])
        }
    }

    @Test func errorCodes() {
        #expect(throws: SelectorError(code: .syntax, message: "found '=', expected: !, identifier, or 'end of string'", position: 0)) {
            try Selector(parsing: "=")
        }
        do {
            _ = try Selector(parsing: "app=-x")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidRequirement)
            #expect(error.fieldErrors.map(\.field) == ["values[0][app]"])
        }
    }
}

@Suite struct SelectorMatchingTests {
    struct Match: Sendable, CustomTestStringConvertible {
        let selector: String
        let labels: [String: String]
        let matches: Bool
        var testDescription: String { "\(selector) ~ \(labels.sorted { $0.key < $1.key }) = \(matches)" }
    }

    static let cases: [Match] = [
        Match(selector: "app=web", labels: ["app": "web"], matches: true),
        Match(selector: "app=web", labels: ["app": "db"], matches: false),
        Match(selector: "app=web", labels: [:], matches: false),
        Match(selector: "app==web", labels: ["app": "web", "tier": "x"], matches: true),
        Match(selector: "tier!=db", labels: [:], matches: true),
        Match(selector: "tier!=db", labels: ["tier": "db"], matches: false),
        Match(selector: "tier!=db", labels: ["tier": "web"], matches: true),
        Match(selector: "env in (prod,staging)", labels: ["env": "staging"], matches: true),
        Match(selector: "env in (prod,staging)", labels: ["env": "dev"], matches: false),
        Match(selector: "env in (prod,staging)", labels: [:], matches: false),
        Match(selector: "env notin (dev)", labels: [:], matches: true),
        Match(selector: "env notin (dev)", labels: ["env": "dev"], matches: false),
        Match(selector: "env notin (dev)", labels: ["env": "prod"], matches: true),
        Match(selector: "release", labels: ["release": ""], matches: true),
        Match(selector: "release", labels: [:], matches: false),
        Match(selector: "!canary", labels: [:], matches: true),
        Match(selector: "!canary", labels: ["canary": "true"], matches: false),
        Match(selector: "x in ()", labels: ["x": ""], matches: true),
        Match(selector: "generation>5", labels: ["generation": "6"], matches: true),
        Match(selector: "generation>5", labels: ["generation": "5"], matches: false),
        Match(selector: "generation>5", labels: ["generation": "six"], matches: false),
        Match(selector: "generation<5", labels: ["generation": "-1"], matches: true),
        Match(selector: "", labels: [:], matches: true),
        Match(selector: "app=web,!canary", labels: ["app": "web"], matches: true),
        Match(selector: "app=web,!canary", labels: ["app": "web", "canary": "1"], matches: false),
    ]

    @Test(arguments: cases)
    func matches(_ match: Match) throws {
        #expect(try Selector(parsing: match.selector).matches(match.labels) == match.matches)
    }

    @Test func serviceSelectorMap() {
        let selector = Selector(matchLabels: ["tier": "front", "app": "web"])
        #expect(selector.description == "app=web,tier=front")
        #expect(selector.matches(["app": "web", "tier": "front", "pod-template-hash": "x"]))
        #expect(!selector.matches(["app": "web"]))
        #expect(Selector(matchLabels: [:]).isEmpty)
        #expect(Selector(matchLabels: [:]).matches(["any": "thing"]))
        #expect(Selector.everything.matches([:]))
        #expect(Selector.everything.description == "")
    }
}

@Suite struct LabelSelectorTests {
    @Test func compiles() throws {
        let labelSelector = LabelSelector(matchLabels: ["app": "web"], matchExpressions: [
            LabelSelectorRequirement(key: "env", operator: "In", values: ["prod", "staging"]),
            LabelSelectorRequirement(key: "canary", operator: "DoesNotExist"),
            LabelSelectorRequirement(key: "tier", operator: "NotIn", values: ["db"]),
            LabelSelectorRequirement(key: "release", operator: "Exists"),
        ])
        let selector = try Selector(labelSelector)
        #expect(selector.description == "app=web,!canary,env in (prod,staging),release,tier notin (db)")
        #expect(selector.matches(["app": "web", "env": "prod", "release": "1"]))
        #expect(!selector.matches(["app": "web", "env": "prod", "release": "1", "canary": "y"]))
        #expect(try Selector(LabelSelector()).isEmpty)
    }

    static let invalid: [Row<LabelSelector>] = [
        Row("In without values", LabelSelector(matchExpressions: [LabelSelectorRequirement(key: "env", operator: "In")]),
            ["matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]),
        Row("NotIn with empty values", LabelSelector(matchExpressions: [LabelSelectorRequirement(key: "env", operator: "NotIn", values: [])]),
            ["matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]),
        Row("Exists with values", LabelSelector(matchExpressions: [LabelSelectorRequirement(key: "env", operator: "Exists", values: ["x"])]),
            ["matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"]),
        Row("unknown operator", LabelSelector(matchExpressions: [LabelSelectorRequirement(key: "env", operator: "Contains", values: ["x"])]),
            ["matchExpressions[0].operator: Invalid value: \"Contains\": not a valid selector operator"]),
        Row("bad key", LabelSelector(matchExpressions: [LabelSelectorRequirement(key: "-env", operator: "Exists")]),
            ["matchExpressions[0].key: Invalid value: \"-env\": " + Messages.qualifiedNamePart]),
        Row("bad value", LabelSelector(matchExpressions: [LabelSelectorRequirement(key: "env", operator: "In", values: ["a b"])]),
            ["matchExpressions[0].values[0]: Invalid value: \"a b\": " + Messages.labelValue]),
        Row("bad matchLabels", LabelSelector(matchLabels: ["app": "-web"]), ["matchLabels: Invalid value: \"-web\": " + Messages.labelValue]),
    ]

    @Test(arguments: invalid)
    func rejects(_ row: Row<LabelSelector>) {
        #expect(row.input.validate(at: .root("")).messages == row.errors)
        do {
            _ = try Selector(row.input)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidRequirement)
            #expect(error.fieldErrors.messages == row.errors)
            #expect(error.description == row.errors.joined(separator: ", "))
        }
    }

    @Test func decodesFromJSON() throws {
        let json = #"{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"env","operator":"In","values":["prod"]}]}"#
        let decoded = try JSONDecoder().decode(LabelSelector.self, from: Data(json.utf8))
        #expect(decoded == LabelSelector(matchLabels: ["app": "web"], matchExpressions: [LabelSelectorRequirement(key: "env", operator: "In", values: ["prod"])]))
        #expect(try Selector(decoded).description == "app=web,env in (prod)")
    }
}
