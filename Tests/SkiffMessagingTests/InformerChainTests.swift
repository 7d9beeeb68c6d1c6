import Foundation
@testable import SkiffMessaging
import Testing

/// The subscriber's gap detection: which messages are applied, skipped, confirm the chain, or force a relist.
@Suite struct WatchChainTests {
    /// One message for the chain: type, revision, previous on kind, previous on topic (default: same as kind).
    struct Step: Sendable {
        var type: WatchEventType
        var revision: Int64
        var previousOnKind: Int64
        var previousOnTopic: Int64
        var epoch: UInt64 = 1

        static func event(_ revision: Int64, after previous: Int64, topicAfter: Int64? = nil, epoch: UInt64 = 1) -> Step {
            Step(type: .modified, revision: revision, previousOnKind: previous, previousOnTopic: topicAfter ?? previous, epoch: epoch)
        }

        static func bookmark(_ revision: Int64, head: Int64, topicHead: Int64? = nil) -> Step {
            Step(type: .bookmark, revision: revision, previousOnKind: head, previousOnTopic: topicHead ?? head)
        }

        var message: WatchMessage {
            WatchMessage(topic: WatchTopic(resource: "services", namespace: "default"), type: type, revision: revision,
                         previousOnKind: previousOnKind, previousOnTopic: previousOnTopic, epoch: epoch, object: Data())
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var followsTopic = false
        var listedAt: Int64
        var steps: [Step]
        var verdicts: [WatchChain.Verdict]
        var verified: Int64
        var testDescription: String { name }
    }

    @Test(arguments: [
        Case(name: "events in sequence after the list", listedAt: 10,
             steps: [.event(11, after: 10), .event(12, after: 11), .event(15, after: 12)],
             verdicts: [.apply, .apply, .apply], verified: 15),
        Case(name: "first event names a predecessor inside the list", listedAt: 10,
             steps: [.event(14, after: 7)], verdicts: [.apply], verified: 14),
        Case(name: "buffered events not newer than the list are skipped", listedAt: 10,
             steps: [.event(9, after: 8), .event(10, after: 9), .event(11, after: 10)],
             verdicts: [.skip, .skip, .apply], verified: 11),
        Case(name: "a lost event is a gap", listedAt: 10,
             steps: [.event(11, after: 10), .event(13, after: 12)],
             verdicts: [.apply, .gap(verified: 11, previous: 12)], verified: 11),
        Case(name: "a lost first event after the list is a gap", listedAt: 10,
             steps: [.event(13, after: 12)], verdicts: [.gap(verified: 10, previous: 12)], verified: 10),
        Case(name: "a bookmark confirms and moves to the current revision", listedAt: 10,
             steps: [.event(11, after: 10), .bookmark(20, head: 11), .event(21, after: 11)],
             verdicts: [.apply, .confirmed, .apply], verified: 21),
        Case(name: "a bookmark reveals a lost last event", listedAt: 10,
             steps: [.event(11, after: 10), .bookmark(20, head: 12)],
             verdicts: [.apply, .gap(verified: 11, previous: 12)], verified: 11),
        Case(name: "a namespace subscriber follows the topic chain", followsTopic: true, listedAt: 10,
             steps: [.event(15, after: 14, topicAfter: 10), .event(18, after: 17, topicAfter: 15)],
             verdicts: [.apply, .apply], verified: 18),
        Case(name: "a namespace subscriber sees a gap on its topic only", followsTopic: true, listedAt: 10,
             steps: [.event(15, after: 14, topicAfter: 10), .event(18, after: 17, topicAfter: 16)],
             verdicts: [.apply, .gap(verified: 15, previous: 16)], verified: 15),
        Case(name: "a namespace subscriber's bookmark checks the topic head", followsTopic: true, listedAt: 10,
             steps: [.bookmark(30, head: 29, topicHead: 10), .bookmark(31, head: 31, topicHead: 31)],
             verdicts: [.confirmed, .gap(verified: 30, previous: 31)], verified: 30),
        Case(name: "another epoch is never judged by the chain", listedAt: 10,
             steps: [.event(11, after: 10, epoch: 2)], verdicts: [.epochChanged(from: 1, to: 2)], verified: 10),
    ])
    func verdicts(_ testCase: Case) {
        var chain = WatchChain(followsTopic: testCase.followsTopic)
        chain.adopt(epoch: 1)
        chain.listed(at: testCase.listedAt)
        let verdicts = testCase.steps.map { chain.check($0.message) }
        #expect(verdicts == testCase.verdicts)
        #expect(chain.verified == testCase.verified)
    }

    @Test func beforeTheFirstMessageAnyEpochIsAdopted() {
        var chain = WatchChain(followsTopic: false)
        #expect(chain.epoch == nil)
        chain.adopt(epoch: 7)
        chain.listed(at: 3)
        #expect(chain.check(Step.event(4, after: 3, epoch: 7).message) == .apply)
    }

    @Test(arguments: [(0, 0), (1, 100), (2, 200), (3, 400), (6, 3200), (7, 5000), (100, 5000)])
    func backoffDoublesUpToTheMaximum(_ attempt: Int, _ milliseconds: Int) {
        #expect(InformerBackoff.delay(attempt: attempt, initial: .milliseconds(100), maximum: .seconds(5)) == .milliseconds(milliseconds))
    }

    @Test func backoffCountsFailuresUntilReset() {
        var backoff = InformerBackoff(initial: .milliseconds(100), maximum: .seconds(1))
        #expect([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()]
                == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1)])
        backoff.reset()
        #expect(backoff.next() == .milliseconds(100))
    }
}
