import NanoverCore
import NanoverTesting
import NanoverTestSupport
import Testing

@Suite("Frame publisher")
struct FramePublisherTests {
    let clock = ManualClock()

    private func positions(_ x: Float) -> Frame {
        Frame(arrays: [FrameKey.particlePositions: .floats([x, x, x])])
    }

    @Test("a late subscriber gets the merged frame with the last index, stamped and counted")
    func lateSubscriber() async throws {
        let publisher = FramePublisher(clock: clock)
        try publisher.send(frameIndex: 0, frame: Frame(values: [FrameKey.particleCount: 1], arrays: [FrameKey.particleElements: .indices([8])]))
        clock.advance(by: .seconds(2))
        try publisher.send(frameIndex: 1, frame: positions(1))
        try publisher.send(frameIndex: 2, frame: positions(2))
        let subscription = publisher.subscribe(.every)
        let first = try #require(try await subscription.next())
        #expect(first.index == 2)
        #expect(first.frame.arrays[FrameKey.particlePositions] == .floats([2, 2, 2]))
        #expect(try first.frame.particleElements() == [8])
        #expect(first.frame.simulationCounter == 0)
        #expect(first.frame.serverTimestamp == 2)
    }

    @Test("a reset starts the merged frame afresh and counts")
    func resetStartsAfresh() async throws {
        let publisher = FramePublisher(clock: clock)
        try publisher.send(frameIndex: 0, frame: Frame(values: ["old": true]))
        try publisher.send(frameIndex: 0, frame: Frame(values: ["new": true]))
        let current = try #require(publisher.currentFrame)
        #expect(current.index == 0)
        #expect(current.frame.values["old"] == nil)
        #expect(current.frame.simulationCounter == 1)
    }

    @Test("every frame is delivered in order, each as published")
    func everyFrame() async throws {
        let publisher = FramePublisher(clock: clock)
        let subscription = publisher.subscribe(.every)
        for index in 0..<5 {
            try publisher.send(frameIndex: UInt32(index), frame: positions(Float(index)))
        }
        var indices: [UInt32] = []
        for _ in 0..<5 {
            indices.append(try #require(try await subscription.next()).index)
        }
        #expect(indices == [0, 1, 2, 3, 4])
    }

    @Test("a subscriber of every frame that falls behind the kept frames ends with fellBehind")
    func fellBehind() async throws {
        let publisher = FramePublisher(clock: clock, backlogLimit: 4)
        try publisher.send(frameIndex: 0, frame: Frame())
        let subscription = publisher.subscribe(.every)
        _ = try await subscription.next()
        for index in 1...10 {
            try publisher.send(frameIndex: UInt32(index), frame: positions(Float(index)))
        }
        await #expect(throws: FrameSubscriptionError.fellBehind(limit: 4)) { _ = try await subscription.next() }
        #expect(publisher.subscriptionCount == 0)
    }

    @Test("the latest frames merge, carrying the latest index, and a reset in the middle is not hidden")
    func latestMerges() async throws {
        let publisher = FramePublisher(clock: clock)
        try publisher.send(frameIndex: 0, frame: Frame(values: ["topology": 1]))
        let subscription = publisher.subscribe(.latest)
        _ = try await subscription.next()
        try publisher.send(frameIndex: 1, frame: Frame(values: ["a": 1]))
        try publisher.send(frameIndex: 2, frame: Frame(values: ["b": 2]))
        let merged = try #require(try await subscription.next())
        #expect(merged.index == 2)
        #expect(merged.frame.values["a"] == 1 && merged.frame.values["b"] == 2)
        try publisher.send(frameIndex: 3, frame: Frame(values: ["stale": true]))
        try publisher.send(frameIndex: 0, frame: Frame(values: ["topology": 2]))
        try publisher.send(frameIndex: 1, frame: Frame(values: ["c": 3]))
        let reset = try #require(try await subscription.next())
        #expect(reset.index == 0)
        #expect(reset.frame.values["stale"] == nil)
        #expect(reset.frame.values["topology"] == 2 && reset.frame.values["c"] == 3)
    }

    @Test("a latest subscriber out of the kept frames gets the merged frame, with index 0 after a reset")
    func latestOutOfWindow() async throws {
        let publisher = FramePublisher(clock: clock, backlogLimit: 2)
        try publisher.send(frameIndex: 0, frame: Frame(values: ["topology": 1]))
        let subscription = publisher.subscribe(.latest)
        _ = try await subscription.next()
        try publisher.send(frameIndex: 1, frame: Frame(values: ["gone": true]))
        try publisher.send(frameIndex: 0, frame: Frame(values: ["topology": 2]))
        for index in 1...5 {
            try publisher.send(frameIndex: UInt32(index), frame: positions(Float(index)))
        }
        let message = try #require(try await subscription.next())
        #expect(message.index == 0)
        #expect(message.frame.values["gone"] == nil)
        #expect(message.frame.arrays[FrameKey.particlePositions] == .floats([5, 5, 5]))
    }

    @Test("pacing: a frame waits out the interval since the previous message, and closing sends what is due at once")
    func pacingAndClose() async throws {
        let publisher = FramePublisher(clock: clock)
        try publisher.send(frameIndex: 0, frame: Frame())
        let subscription = publisher.subscribe(.latest, interval: .seconds(10))
        _ = try await subscription.next()
        try publisher.send(frameIndex: 1, frame: positions(1))
        let next = Task { try await subscription.next() }
        await waitUntil("the subscriber sleeps out its interval") { clock.sleeperCount == 1 }
        publisher.close()
        #expect(try await next.value?.index == 1)
        #expect(try await subscription.next() == nil)
        #expect(clock.now == .zero)
    }

    @Test("each published frame is encoded once per protocol for every subscriber it reaches")
    func encodedOnce() async throws {
        let publisher = FramePublisher(clock: clock)
        let subscriptions = (0..<10).map { _ in publisher.subscribe(.every) }
        try publisher.send(frameIndex: 0, frame: positions(1))
        var seen: Set<ObjectIdentifier> = []
        for subscription in subscriptions {
            seen.insert(ObjectIdentifier(try #require(try await subscription.next())))
        }
        // One shared object, so one cached encoding.
        #expect(seen.count == 1)
    }
}

@Suite("Frame publisher, many publishers at once")
struct ConcurrentPublishingTests {
    @Test("frames sent from many tasks at once all reach a subscriber of every frame, each publisher's in its order")
    func manyPublishers() async throws {
        let publishers = 8, perPublisher = 200
        let publisher = FramePublisher(backlogLimit: publishers * perPublisher + 1)
        try publisher.send(frameIndex: 0, frame: Frame())
        let subscription = publisher.subscribe(.every)
        _ = try await subscription.next()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for source in 0..<publishers {
                group.addTask {
                    for step in 1...perPublisher {
                        try publisher.send(frameIndex: UInt32(step), frame: Frame(values: ["source": .int(Int64(source)), "step": .int(Int64(step))]))
                    }
                }
            }
            try await group.waitForAll()
        }
        var lastStep = [Int](repeating: 0, count: publishers)
        var count = 0
        while count < publishers * perPublisher, let received = try await subscription.next() {
            let source = try #require(received.frame.values["source"]?.intValue)
            let step = try #require(received.frame.values["step"]?.intValue)
            #expect(step == lastStep[source] + 1, "publisher \(source)'s frames in order")
            #expect(received.index == UInt32(step))
            lastStep[source] = step
            count += 1
        }
        #expect(lastStep == Array(repeating: perPublisher, count: publishers))
        let current = try #require(publisher.currentFrame)
        #expect(current.frame.values["step"]?.intValue == Int(current.index))
        publisher.close()
    }
}
