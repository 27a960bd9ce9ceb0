//! The demo thread under the Northbank Herald's Old Mill Bridge story, seeded on first start.

/// One comment of the demo thread, as written before seeding gives it an id and a time.
pub struct SeedComment {
    /// Local reference such as `"c01"`, unique within [`COMMENTS`]; not the stored id.
    pub id: &'static str,
    /// Local reference of the comment this one replies to; `None` for a top-level comment.
    pub parent: Option<&'static str>,
    /// Display name; `None` posts as a guest.
    pub author: Option<&'static str>,
    /// Markdown body, rendered and sanitized like any posted comment.
    pub body: &'static str,
    /// Age of the comment at seeding time, in minutes; replies are always younger than parents.
    pub minutes_ago: u32,
    /// Number of up votes to seed.
    pub up: u32,
    /// Number of down votes to seed.
    pub down: u32,
    /// The comment was deleted after it got replies.
    pub deleted: bool,
}

/// Thread key of the demo article (its canonical URL, already normalized).
pub const THREAD_KEY: &str = "https://www.northbankherald.example/2026/11/24/old-mill-bridge-car-ban";

/// Headline of the demo article.
pub const THREAD_TITLE: &str = "Council votes to close Old Mill Bridge to cars from March";

/// The demo thread, every parent before its replies.
pub const COMMENTS: &[SeedComment] = &[
    SeedComment {
        id: "c01",
        parent: None,
        author: Some("Margaret Ellison"),
        body: "I have lived on Mill Street for forty-one years and I honestly don't know how I feel about this.\n\n\
               On the one hand, the lorries that still try to squeeze over the bridge at seven in the morning \
               shake my front windows, and crossing to the post office with my shopping trolley is a small act \
               of faith. On the other, my daughter drives over from Eastfield every Sunday to take me to church, \
               and she will now have to go all the way round by the ring road.\n\n\
               What I would like is for someone from the council to come and *talk* to the people who live \
               here, rather than holding a vote on a Tuesday evening when half of us were watching the \
               snooker.",
        minutes_ago: 2_874,
        up: 46,
        down: 3,
        deleted: false,
    },
    SeedComment {
        id: "c02",
        parent: Some("c01"),
        author: Some("Gareth Pryce"),
        body: "Well put, Margaret. I run the hardware shop at number 23 and a good third of my trade is people \
               who pull up outside for ten minutes to buy screws, paint or a replacement hose. Nobody walks \
               home with a stepladder.\n\n\
               The council keeps saying 'footfall will increase'. Footfall doesn't carry a bag of compost.",
        minutes_ago: 2_790,
        up: 38,
        down: 6,
        deleted: false,
    },
    SeedComment {
        id: "c03",
        parent: Some("c02"),
        author: Some("Tom K."),
        body: "With respect, Gareth, the evidence from other towns points the other way. People on foot and on \
               bikes visit more often and spend more over a month, even if each basket is smaller. There's a \
               decent summary [here](https://www.transportresearch.example/high-streets-and-footfall).",
        minutes_ago: 2_761,
        up: 21,
        down: 17,
        deleted: false,
    },
    SeedComment {
        id: "c04",
        parent: Some("c03"),
        author: Some("Gareth Pryce"),
        body: "> People on foot and on bikes visit more often and spend more over a month\n\n\
               Maybe in a university town with a cathedral. My till roll says otherwise. When the bridge was \
               shut for the resurfacing in 2024 my takings were down nearly a quarter for six weeks.",
        minutes_ago: 2_733,
        up: 30,
        down: 4,
        deleted: false,
    },
    SeedComment {
        id: "c05",
        parent: Some("c04"),
        author: Some("Annie Whitlow"),
        body: "Funny, I had the opposite during the resurfacing. The café was busier than it has ever been in \
               an October, mostly people walking over from the station side because it was suddenly pleasant \
               to do so.\n\n\
               I'm not saying you're wrong about hardware, Gareth. Different shops, different customers. \
               Which is exactly why the loading bays matter and why we should all push for them.",
        minutes_ago: 2_651,
        up: 19,
        down: 2,
        deleted: false,
    },
    SeedComment {
        id: "c06",
        parent: Some("c01"),
        author: Some("Eleanor Voss"),
        body: "For what it's worth, Margaret, the bridge was built in 1893 for carts and foot traffic to the mill. \
               It has been asked to do a job it was never designed for for about seventy years now.",
        minutes_ago: 2_702,
        up: 12,
        down: 0,
        deleted: false,
    },
    SeedComment {
        id: "c07",
        parent: None,
        author: Some("dev_in_northbank"),
        body: "So my commute goes from 12 minutes to 30-plus because the ring road at 8am is a car park. \
               Brilliant. Nobody on the council has to drive to the industrial estate every morning, clearly.",
        minutes_ago: 2_812,
        up: 27,
        down: 22,
        deleted: false,
    },
    SeedComment {
        id: "c08",
        parent: Some("c07"),
        author: Some("Tom K."),
        body: "30 minutes? It's 1.4 miles from the bridge to the industrial estate. That's about eight minutes \
               on a bike, and the new crossing goes *straight there*.",
        minutes_ago: 2_796,
        up: 18,
        down: 14,
        deleted: false,
    },
    SeedComment {
        id: "c09",
        parent: Some("c08"),
        author: Some("dev_in_northbank"),
        body: "I live in Hatherley, Tom. It's 1.4 miles from the bridge, sure, but 4 miles from my front door, \
               and half of that is up Castle Hill. I'm not turning up to a client call dripping.",
        minutes_ago: 2_781,
        up: 15,
        down: 5,
        deleted: false,
    },
    SeedComment {
        id: "c10",
        parent: Some("c09"),
        author: Some("Tom K."),
        body: "Fair, Castle Hill is a brute. But there's a bus from Hatherley that will now get over the bridge \
               without sitting behind two hundred cars, which is rather the point.",
        minutes_ago: 2_770,
        up: 11,
        down: 3,
        deleted: false,
    },
    SeedComment {
        id: "c11",
        parent: Some("c10"),
        author: Some("dev_in_northbank"),
        body: "The 7 runs every 40 minutes and stops at 6pm. Here's my week if I took it:\n\n\
               - Monday: out at 7:20 to make a 9:00 start, because the next one gets in at 9:05\n\
               - Tuesday: same, plus the walk from the stop to the estate in the rain\n\
               - Wednesday: late meeting, no bus home after 6, so a taxi at £14\n\n\
               I'd *love* to use the bus. Give me one every 15 minutes and I'll sell the car.",
        minutes_ago: 2_741,
        up: 24,
        down: 2,
        deleted: false,
    },
    SeedComment {
        id: "c12",
        parent: Some("c11"),
        author: Some("Tom K."),
        body: "Then we actually agree on more than it looks. The bus can't get more frequent while it's stuck in \
               the same queue as everyone else. Take the cars off the bridge and the 7 stops losing ten \
               minutes a trip, which is what pays for a better timetable.",
        minutes_ago: 2_722,
        up: 13,
        down: 6,
        deleted: false,
    },
    SeedComment {
        id: "c13",
        parent: Some("c12"),
        author: Some("dev_in_northbank"),
        body: "That's a lovely theory that relies on the bus company spending the saving on us rather than \
               pocketing it. Have you *met* Northbank Coaches?",
        minutes_ago: 2_690,
        up: 20,
        down: 4,
        deleted: false,
    },
    SeedComment {
        id: "c14",
        parent: Some("c13"),
        author: Some("Tom K."),
        body: "> Have you met Northbank Coaches?\n\n\
               Ha. Sadly, yes. But the report says the route 7 contract comes up for renewal next year and \
               the council can write frequency into it. That's worth pushing for, and I'd happily sign \
               something alongside you.",
        minutes_ago: 2_655,
        up: 16,
        down: 1,
        deleted: false,
    },
    SeedComment {
        id: "c15",
        parent: Some("c14"),
        author: Some("dev_in_northbank"),
        body: "Fine. If there's a petition for a 15-minute 7, I'll sign it. I still think March is too soon \
               and the ring road will be chaos, but I'll give you that one.",
        minutes_ago: 2_601,
        up: 22,
        down: 0,
        deleted: false,
    },
    SeedComment {
        id: "c16",
        parent: Some("c15"),
        author: Some("Kieran D."),
        body: "Eight replies in and you two have ended up agreeing with each other. Is this allowed on a \
               comments section?",
        minutes_ago: 1_452,
        up: 34,
        down: 0,
        deleted: false,
    },
    SeedComment {
        id: "c17",
        parent: Some("c08"),
        author: Some("RingRoadRon"),
        body: "Cycling lobby wins again.",
        minutes_ago: 2_703,
        up: 9,
        down: 25,
        deleted: false,
    },
    SeedComment {
        id: "c18",
        parent: None,
        author: Some("Priya Raman"),
        body: "As a parent of two at Mill Lane Primary: thank you. Every morning we cross that bridge on a \
               pavement barely wide enough for one adult, with vans mounting the kerb to pass the buses.\n\n\
               Last winter a wing mirror clipped my son's rucksack. He was fine. I wasn't.\n\n\
               I understand people are worried about their journeys, and I don't dismiss that, but I will \
               happily take a longer drive at the weekend in exchange for a walk to school where I don't have \
               to hold my breath.",
        minutes_ago: 2_598,
        up: 52,
        down: 5,
        deleted: false,
    },
    SeedComment {
        id: "c19",
        parent: Some("c18"),
        author: Some("northbank_mum_of_3"),
        body: "Same here. The school run over that bridge is the most stressful ten minutes of my day.",
        minutes_ago: 2_561,
        up: 14,
        down: 1,
        deleted: false,
    },
    SeedComment {
        id: "c20",
        parent: Some("c18"),
        author: Some("Mo Hussain"),
        body: "Safer for your kids, maybe. The ring road goes right past Eastfield Juniors, and all the traffic \
               you're taking off the bridge is going to go past *their* gate instead. I drive a cab; I see \
               that junction at 8:40 every day.",
        minutes_ago: 2_402,
        up: 8,
        down: 11,
        deleted: false,
    },
    SeedComment {
        id: "c21",
        parent: Some("c20"),
        author: Some("Priya Raman"),
        body: "That's a fair point and I hadn't thought about Eastfield. The report does promise a new \
               crossing and a 20 mph zone there, but I'd want to see it *before* March, not after.",
        minutes_ago: 2_381,
        up: 17,
        down: 0,
        deleted: false,
    },
    SeedComment {
        id: "c22",
        parent: Some("c21"),
        author: Some("Mo Hussain"),
        body: "Agreed. Crossing first, closure second. If they'd said that from the start there'd be half \
               the arguing on here.",
        minutes_ago: 2_300,
        up: 21,
        down: 1,
        deleted: false,
    },
    SeedComment {
        id: "c23",
        parent: None,
        author: Some("Dr Alan Whitcombe"),
        body: "Retired structural engineer here, and I worked on the 2019 assessment of this bridge, so a few \
               facts that seem to have got lost.\n\n\
               The bridge is a wrought-iron truss on masonry abutments. The assessment rated it at **18 \
               tonnes** gross for a single vehicle, which is why the weak-bridge signs went up. The concern \
               was never one heavy lorry; it was *fatigue*, from roughly 9,000 vehicle crossings a day \
               slowly working the riveted joints loose.\n\n\
               Taking cars off does not make it immortal, but it takes away most of the load cycles. The \
               alternative the report priced was a full strengthening scheme at around £4.2 million with the \
               bridge closed for a year anyway. The [assessment summary](https://www.northbank.gov.example/highways/old-mill-bridge/assessment-2019) \
               is public and worth reading before anyone decides this is purely about bicycles.",
        minutes_ago: 2_498,
        up: 61,
        down: 1,
        deleted: false,
    },
    SeedComment {
        id: "c24",
        parent: Some("c23"),
        author: Some("bridge_watcher"),
        body: "Thank you, this is the most useful comment here. So if buses are exempt, what does a bus weigh? \
               Are we just swapping lots of small loads for a few big ones?",
        minutes_ago: 2_441,
        up: 17,
        down: 0,
        deleted: false,
    },
    SeedComment {
        id: "c25",
        parent: Some("c24"),
        author: Some("Dr Alan Whitcombe"),
        body: "A full single-decker is about 14 tonnes, within the rating. Fatigue damage goes with the number \
               of cycles far more than the occasional heavier one, so a few dozen buses a day is a very \
               different proposition from nine thousand cars. The report also limits it to single-deckers, \
               one at a time.",
        minutes_ago: 2_409,
        up: 26,
        down: 0,
        deleted: false,
    },
    SeedComment {
        id: "c26",
        parent: Some("c25"),
        author: Some("Linda Carraway"),
        body: "Good, because the 4 is the only bus that gets me to the hospital without changing twice.",
        minutes_ago: 2_302,
        up: 9,
        down: 0,
        deleted: false,
    },
    SeedComment {
        id: "c27",
        parent: Some("c23"),
        author: None,
        body: "Then why not just a weight limit and a width restriction, instead of banning cars altogether?",
        minutes_ago: 2_204,
        up: 6,
        down: 2,
        deleted: false,
    },
    SeedComment {
        id: "c28",
        parent: Some("c27"),
        author: Some("Dr Alan Whitcombe"),
        body: "Because a car *is* within any sensible weight limit; it's the sheer number of them. A width \
               restriction would also stop the buses and the fire engine, which rather defeats the purpose.",
        minutes_ago: 2_150,
        up: 14,
        down: 1,
        deleted: false,
    },
    SeedComment {
        id: "c29",
        parent: None,
        author: Some("Jean Okafor"),
        body: "Can anyone tell me what this means for disabled people? I use a mobility scooter and have a \
               Blue Badge. At the moment my son drives me over the bridge and drops me outside the chemist on \
               Mill Street.\n\n\
               If cars can't cross, where is the nearest place he can stop? The ring road side of Mill Street \
               is a long way on a scooter, and the cobbles by the mill are already hard going. Nobody from the \
               council has said a word about us.",
        minutes_ago: 2_352,
        up: 44,
        down: 0,
        deleted: false,
    },
    SeedComment {
        id: "c30",
        parent: Some("c29"),
        author: Some("Cllr Fiona Marsh"),
        body: "Jean, I'm one of the councillors who voted for the scheme, and you're right that this should \
               have been front and centre.\n\n\
               The plan approved on Tuesday includes four Blue Badge bays at each end of the bridge, dropped \
               kerbs at both ends and resurfacing the cobbled stretch by the mill with a smooth strip. The \
               details are in the [consultation report](https://www.northbank.gov.example/consultations/old-mill-bridge/report), \
               section 6. Please do email me if anything in it doesn't work for you.",
        minutes_ago: 2_098,
        up: 23,
        down: 8,
        deleted: false,
    },
    SeedComment {
        id: "c31",
        parent: Some("c30"),
        author: Some("Jean Okafor"),
        body: "> dropped kerbs at both ends\n\n\
               Thank you, that's more than I'd heard before. I'd like to see them built before the bridge \
               closes, not promised for 'later in the year'. I've heard that one before about the station lift.",
        minutes_ago: 2_047,
        up: 29,
        down: 0,
        deleted: false,
    },
    SeedComment {
        id: "c32",
        parent: Some("c31"),
        author: Some("Hannah Bell"),
        body: "Jean, page 14 of the report (reference `NBC/HW/2026/118`) lists the kerbs and the bays under \
               'phase 1, before closure'. So it's in writing. Worth holding them to it.",
        minutes_ago: 1_903,
        up: 12,
        down: 0,
        deleted: false,
    },
    SeedComment {
        id: "c33",
        parent: None,
        author: Some("Dave Merriman"),
        body: "Anyone who voted for this wants their head examining, and anyone cheering it clearly doesn't \
               have a proper job to get to.",
        minutes_ago: 2_003,
        up: 3,
        down: 19,
        deleted: true,
    },
    SeedComment {
        id: "c34",
        parent: Some("c33"),
        author: Some("Chris Allardyce"),
        body: "Whatever was said above, there's no need to make it personal. Plenty of people with jobs, \
               mine included, are on both sides of this one.",
        minutes_ago: 1_981,
        up: 15,
        down: 0,
        deleted: false,
    },
    SeedComment {
        id: "c35",
        parent: Some("c33"),
        author: Some("Steve from Eastfield"),
        body: "Missed whatever that was, but judging by the reply I didn't miss much.",
        minutes_ago: 1_962,
        up: 11,
        down: 1,
        deleted: false,
    },
    SeedComment {
        id: "c36",
        parent: None,
        author: Some("Northbank Wheelers"),
        body: "Northbank Wheelers welcomes the council's decision. We have campaigned for a safe crossing of \
               the Leven for eleven years, and Old Mill Bridge is the obvious one.\n\n\
               To make it work from day one, we'd like to see:\n\n\
               - a clear, signed route from the bridge to the station and to Mill Lane Primary\n\
               - secure cycle parking on Mill Street, so people stop and *shop*\n\
               - the bus lane on Bridge Road kept open to cycles\n\
               - lighting on the towpath approach before the dark evenings\n\n\
               Our members are happy to help with the route audit. Details on \
               [our website](https://www.northbankwheelers.example/old-mill-bridge).",
        minutes_ago: 1_802,
        up: 31,
        down: 14,
        deleted: false,
    },
    SeedComment {
        id: "c37",
        parent: Some("c36"),
        author: Some("RingRoadRon"),
        body: "Of course you're pleased.",
        minutes_ago: 1_790,
        up: 4,
        down: 12,
        deleted: false,
    },
    SeedComment {
        id: "c38",
        parent: Some("c36"),
        author: Some("BikeDeals4U"),
        body: "Big savings on e-bikes this week only, message us for a discount code!!!",
        minutes_ago: 1_503,
        up: 0,
        down: 9,
        deleted: true,
    },
    SeedComment {
        id: "c39",
        parent: Some("c38"),
        author: Some("Kieran D."),
        body: "Whatever that was, it's gone now. Thanks to whoever tidied up.",
        minutes_ago: 1_477,
        up: 6,
        down: 0,
        deleted: false,
    },
    SeedComment {
        id: "c40",
        parent: None,
        author: Some("Steve from Eastfield"),
        body: "Can't wait for March on Eastfield Road. Bring a flask.",
        minutes_ago: 1_604,
        up: 7,
        down: 2,
        deleted: false,
    },
    SeedComment {
        id: "c41",
        parent: None,
        author: Some("Linda Carraway"),
        body: "I don't drive. Will the 4 actually be more reliable once the cars are off the bridge? At the \
               moment the timetable is more of a suggestion.",
        minutes_ago: 1_398,
        up: 11,
        down: 0,
        deleted: false,
    },
    SeedComment {
        id: "c42",
        parent: Some("c41"),
        author: None,
        body: "Only until it reaches the ring road, where it'll sit with everyone who used to use the bridge.",
        minutes_ago: 1_201,
        up: 5,
        down: 3,
        deleted: false,
    },
    SeedComment {
        id: "c43",
        parent: None,
        author: Some("Pete Sandford"),
        body: "Voted 7 to 4. So four councillors listened to residents and seven listened to the consultants.",
        minutes_ago: 903,
        up: 18,
        down: 16,
        deleted: false,
    },
    SeedComment {
        id: "c44",
        parent: Some("c43"),
        author: Some("Hannah Bell"),
        body: "Or seven listened to the consultation, which had 2,312 responses with 58% in favour. The full \
               breakdown is in the \
               [Herald's story from October](https://www.northbankherald.example/2026/10/09/old-mill-bridge-consultation-results).",
        minutes_ago: 871,
        up: 12,
        down: 9,
        deleted: false,
    },
    SeedComment {
        id: "c45",
        parent: Some("c44"),
        author: Some("Pete Sandford"),
        body: "And how many of those 2,312 actually live here, Hannah? Half of them were probably from the \
               Wheelers' mailing list, and you know it.",
        minutes_ago: 860,
        up: 7,
        down: 10,
        deleted: true,
    },
    SeedComment {
        id: "c46",
        parent: Some("c45"),
        author: Some("Hannah Bell"),
        body: "Whatever was said above, the report answers it: 81% of responses came from NB postcodes, and \
               the result was in favour even counting those alone. I'd rather argue about the figures than \
               about who sent them.",
        minutes_ago: 801,
        up: 14,
        down: 2,
        deleted: false,
    },
    SeedComment {
        id: "c47",
        parent: None,
        author: Some("Eleanor Voss"),
        body: "A little history, since the Herald's piece didn't have room for it.\n\n\
               Old Mill Bridge opened in 1893 to carry flour carts from Hallam's Mill to the railway. It was \
               not opened to motor traffic until 1921, and then only because the ferry at Leven Steps had \
               sunk the year before. For most of its life it has been, in effect, a footbridge that cars \
               were allowed to borrow.\n\n\
               The Northbank Civic Society has photographs of the opening day, with not a single vehicle on \
               it, in the [society's online archive](https://www.northbankcivic.example/archive/old-mill-bridge). \
               It seems fitting that it should go back to something like its first job.",
        minutes_ago: 598,
        up: 25,
        down: 0,
        deleted: false,
    },
    SeedComment {
        id: "c48",
        parent: Some("c47"),
        author: Some("Margaret Ellison"),
        body: "My grandfather worked at Hallam's! He always said the bridge was 'too pretty for lorries'. \
               Thank you for this, Eleanor.",
        minutes_ago: 541,
        up: 10,
        down: 0,
        deleted: false,
    },
    SeedComment {
        id: "c49",
        parent: None,
        author: Some("Annie Whitlow"),
        body: "Mill Street traders are meeting on **Thursday at 7pm** in the back room of the Corn Exchange \
               to agree what we ask the council for: loading bays, delivery hours, signage. Everyone who \
               runs a business on the street is welcome, whichever side of this you're on. Tea provided.",
        minutes_ago: 242,
        up: 16,
        down: 0,
        deleted: false,
    },
    SeedComment {
        id: "c50",
        parent: Some("c49"),
        author: Some("Gareth Pryce"),
        body: "I'll be there, Annie. Might even bring the biscuits.",
        minutes_ago: 118,
        up: 4,
        down: 0,
        deleted: false,
    },
    SeedComment {
        id: "c51",
        parent: None,
        author: Some("Ollie Grant"),
        body: "Honest question: what happens on match days? The away coaches currently come over the bridge \
               to the ground.",
        minutes_ago: 37,
        up: 2,
        down: 0,
        deleted: false,
    },
    SeedComment {
        id: "c52",
        parent: Some("c51"),
        author: Some("bridge_watcher"),
        body: "Page 22 of the report: coaches will be sent round by the ring road and Station Approach, with a \
               drop-off on the far bank.",
        minutes_ago: 3,
        up: 1,
        down: 0,
        deleted: false,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    fn by_id() -> HashMap<&'static str, (usize, &'static SeedComment)> {
        COMMENTS.iter().enumerate().map(|(i, c)| (c.id, (i, c))).collect()
    }

    fn depth(c: &SeedComment, index: &HashMap<&'static str, (usize, &'static SeedComment)>) -> usize {
        let mut depth = 0;
        let mut parent = c.parent;
        while let Some(p) = parent {
            depth += 1;
            assert!(depth <= COMMENTS.len(), "reply cycle through {}", c.id);
            parent = index.get(p).and_then(|(_, c)| c.parent);
        }
        depth
    }

    #[test]
    fn thread_is_big_and_varied_enough_for_the_demo() {
        assert!(COMMENTS.len() >= 45, "only {} comments", COMMENTS.len());
        let names: HashSet<&str> = COMMENTS.iter().filter_map(|c| c.author).collect();
        assert!(names.len() >= 16, "only {} distinct names", names.len());
        assert!(COMMENTS.iter().any(|c| c.author.is_none()), "no guest comment");
        assert!(COMMENTS.iter().any(|c| c.parent.is_none() && !COMMENTS.iter().any(|r| r.parent == Some(c.id))));
    }

    #[test]
    fn some_argument_nests_at_least_seven_levels() {
        let index = by_id();
        let deepest = COMMENTS.iter().map(|c| depth(c, &index)).max().unwrap_or(0);
        assert!(deepest >= 6, "deepest comment is at depth {deepest}");
    }

    #[test]
    fn ids_are_unique_and_parents_come_first_and_are_older() {
        let index = by_id();
        assert_eq!(index.len(), COMMENTS.len(), "duplicate ids");
        for (i, c) in COMMENTS.iter().enumerate() {
            if let Some(p) = c.parent {
                let (pi, parent) = index.get(p).unwrap_or_else(|| panic!("{}: unknown parent {p}", c.id));
                assert!(*pi < i, "{} comes before its parent {p}", c.id);
                assert!(c.minutes_ago < parent.minutes_ago, "{} is older than its parent {p}", c.id);
            }
        }
    }

    #[test]
    fn every_deleted_comment_keeps_a_reply() {
        let deleted: Vec<&str> = COMMENTS.iter().filter(|c| c.deleted).map(|c| c.id).collect();
        assert!((2..=3).contains(&deleted.len()), "{} deleted comments", deleted.len());
        for id in deleted {
            assert!(COMMENTS.iter().any(|r| r.parent == Some(id)), "deleted {id} has no reply");
        }
    }

    #[test]
    fn bodies_fit_the_protocol_limits() {
        for c in COMMENTS {
            let len = c.body.trim().chars().count();
            assert!(len > 0 && len <= talkback_protocol::limits::BODY_MAX_CHARS, "{}: {len} chars", c.id);
            if let Some(name) = c.author {
                assert!(name.chars().count() <= talkback_protocol::limits::NAME_MAX_CHARS, "{}", c.id);
            }
        }
    }

    #[test]
    fn times_span_two_days_up_to_minutes_ago() {
        let oldest = COMMENTS.iter().map(|c| c.minutes_ago).max().unwrap_or(0);
        let newest = COMMENTS.iter().map(|c| c.minutes_ago).min().unwrap_or(u32::MAX);
        assert!((2_500..=2_880).contains(&oldest), "oldest is {oldest} minutes old");
        assert!(newest <= 10, "newest is {newest} minutes old");
    }
}
