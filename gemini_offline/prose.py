"""Sentence banks for the simulated replies, written so that any subject reads well.

Every template puts the subject (``{t}``) only where a noun phrase *or* a wh-clause is
grammatical — after a preposition ("about how a rainbow forms", "of photosynthesis") —
never as the subject of a verb. ``{a1}``..``{a3}`` are aspects ("the underlying
mechanism", …) that fit any subject. A small table of well-known subjects (:data:`KNOWN`)
gives real facts for the questions people try first in a demo ("How does AI work?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Aspects of any subject (all singular, so any verb agrees), with what each one covers.
ASPECT_NOTES = {
    "the basic idea": "the principle everything else builds on",
    "the underlying mechanism": "what actually happens, step by step",
    "the key vocabulary": "the few words that unlock most explanations",
    "a simple example": "one case followed from start to finish",
    "a common misconception": "what people most often get wrong",
    "the history behind it": "how the ideas developed over time",
    "the practical trade-off": "what you gain and what you give up",
    "the bigger picture": "how it connects to everything around it",
    "an everyday example": "where you meet it in daily life",
    "the sequence of steps": "the order in which things happen",
}
ASPECTS = tuple(ASPECT_NOTES)

HEADINGS = (
    "Understanding {t}",
    "A quick guide to {t}",
    "The short version: {t}",
    "What to know about {t}",
    "A closer look at {t}",
    "Making sense of {t}",
)
INTROS = (
    "Here is a clear way to think about {t}.",
    "The quickest route into {t} is to start with {a1}.",
    "It helps to approach {t} in a few steps, beginning with {a1}.",
    "There are a few ideas at the heart of {t}, and {a1} is the first of them.",
    "Most explanations of {t} begin with {a1}, and that is a good place to start here too.",
    "When people ask about {t}, they usually want to know about {a1} first.",
    "A little background goes a long way with {t}.",
    "Let's take {t} one piece at a time.",
)
DETAILS = (
    "Once {a1} is clear, the rest tends to fall into place.",
    "From there, {a2} explains most of what you will notice in practice.",
    "A concrete example makes this easier to see than any definition.",
    "It is worth pausing on {a2}, because that is where most of the surprises are.",
    "Experts tend to focus on {a2}, while newcomers usually notice {a3} first.",
    "Thinking about {a3} also shows why this matters outside the textbook.",
    "None of this requires special equipment or jargon, only a little patience.",
    "The details vary from case to case, but the overall pattern stays the same.",
    "A common mistake is to expect everything to happen at once, when in reality it "
    "unfolds in stages.",
    "Small differences at the start can lead to noticeably different results at the end.",
    "Seen this way, {a1} and {a2} are two sides of the same story.",
    "Older descriptions can differ from today's, because the ideas have been refined over "
    "a long time.",
)
POINTS = ("**{A1}**: {n1}", "**{A2}**: {n2}", "**{A3}**: {n3}")
#: Tails a sentence may take when a reply strays at a high temperature (see Draft.hedge).
HEDGES = (
    "in most cases",
    "as a rule",
    "broadly speaking",
    "for the most part",
    "in practice",
    "as it happens",
    "by and large",
    "on the whole",
    "more often than not",
    "at least in principle",
    "to a surprising degree",
    "as many people find",
)
CLOSINGS = (
    "If you like, I can go deeper into {a1} or work through an example.",
    "Ask a follow-up and I'll zoom in on any of these points.",
    "Would a worked example or a comparison help next?",
    "I'm happy to expand on any part of this.",
    "Tell me what you already know, and I'll tailor the next answer to it.",
    "I can also turn this into a checklist if that would help.",
    "Shall I say more about {a2}?",
    "That's the gist, and there is plenty more to explore.",
    "Let me know which part you'd like to unpack next.",
    "A good next question might be how {a1} relates to {a3}.",
)
#: Sentences that follow any fact without referring back to it.
NEUTRAL = (
    "It is one of those things that is easier to see than to describe.",
    "Once you have noticed it, you start to see it everywhere.",
    "A simple example makes this much easier to picture.",
    "The details vary, but the overall pattern stays the same.",
)
CONCLUDING = (
    "Taken together, these ideas give a fairly complete picture of {t}.",
    "There is always more to learn, but the core of it is within anyone's reach.",
    "The best next step is to pick one example and follow it closely.",
    "Once you have seen it happen, it is hard to forget.",
)
BRIEF = (
    "In a few words: it comes down to {a1}, with {a2} doing most of the work.",
    "Briefly, it is best understood through {a1}.",
    "In short, start with {a1} and the rest follows.",
    "The short answer: {a1} first, then {a2}.",
)

#: Paragraph roles, in the order an essay (or an N-paragraph answer) uses them.
ESSAY_ROLES = ("intro", "background", "mechanism", "practice", "debate", "future", "conclusion")
ESSAY_TITLES = ("On {t}", "An essay on {t}", "Thinking about {t}", "A closer look at {t}")
ESSAY_SECTIONS = {
    "background": "Background",
    "mechanism": "How it works",
    "practice": "In practice",
    "debate": "Open questions",
    "future": "Looking ahead",
    "conclusion": "Conclusion",
}
ESSAY = {
    "intro": (
        "It is worth taking a careful look at {t}.",
        "At first glance the question seems simple, but it opens onto a surprising amount "
        "of detail.",
        "This essay starts with where the ideas came from, then turns to how they work, "
        "what they mean in practice and what remains unsettled.",
        "Along the way, {a1} and {a2} will come up again and again.",
        "The aim is not to cover everything, but to leave you with a clear map of the ground.",
    ),
    "background": (
        "The ideas behind {t} did not arrive all at once.",
        "Early explanations were often partly right, and each generation kept what worked "
        "and replaced what did not.",
        "Much of today's understanding grew out of careful observation rather than a single "
        "breakthrough.",
        "Knowing that history makes it easier to see why certain terms are used the way they are.",
        "It also explains why older books sometimes describe the same thing quite differently.",
    ),
    "mechanism": (
        "At the centre of it all is {a1}.",
        "Everything else can be described as a consequence of a few simple rules applied "
        "many times over.",
        "Each step on its own is easy to follow; the interesting behaviour appears when the "
        "steps combine.",
        "That is why a small change early on can have a large effect later.",
        "A simple example, followed from start to finish, shows this better than any definition.",
    ),
    "practice": (
        "In practice, the ideas show up in places people rarely stop to notice.",
        "They shape everyday decisions, from the tools people use to the way problems are framed.",
        "Practitioners tend to care most about {a2}, because that is where results are won "
        "or lost.",
        "The gap between theory and practice is real, but it is smaller than it first appears.",
        "Experience mostly teaches which details can be ignored and which cannot.",
    ),
    "debate": (
        "Not every question has a settled answer.",
        "Thoughtful people still disagree about {a3}, and the disagreement is productive.",
        "Some of the debate is about evidence, and some of it is about values.",
        "Being clear about which kind of disagreement is which makes the discussion far more "
        "useful.",
        "New findings keep the conversation moving.",
    ),
    "future": (
        "Looking ahead, the most interesting work is likely to happen at the edges.",
        "Better tools and more data will sharpen some answers and complicate others.",
        "What seems advanced today will probably look basic in a decade.",
        "The fundamentals, though, are unlikely to change much.",
        "That makes them worth learning well now.",
    ),
    "conclusion": (
        "Taken together, these threads give a fairly complete picture of {t}.",
        "The history explains the vocabulary, the mechanism explains the behaviour, and "
        "practice explains why it matters.",
        "There is always more to learn, but the core ideas are within anyone's reach.",
        "The best next step is to pick one example and follow it closely.",
        "Curiosity, more than expertise, is what makes the subject come alive.",
    ),
}

ADVICE = (
    "**Start small.** One manageable change is easier to keep than five ambitious ones.",
    "**Set a routine.** Doing the same thing at the same time each day turns effort into habit.",
    "**Write it down.** A short note of what you tried and how it went shows what works.",
    "**Remove friction.** Make the good choice the easy one, and the rest gets simpler.",
    "**Ask for feedback.** Someone else often sees in a minute what you have missed for weeks.",
    "**Learn from others.** People who have done this before can save you a lot of time.",
    "**Review each week.** Ten minutes of looking back keeps you from drifting off course.",
    "**Keep it simple.** The plan you actually follow beats the perfect plan you abandon.",
    "**Plan ahead.** Deciding in advance means fewer decisions in the moment.",
    "**Rest properly.** Progress depends as much on recovery as on effort.",
    "**Be patient.** Most real improvements take weeks, not days, to show.",
    "**Celebrate progress.** Noticing small wins keeps motivation going.",
    "**Cut distractions.** Put your phone in another room when you need to focus.",
    "**Use the right tools.** A good tool makes the right way the fast way.",
    "**Learn the basics first.** A firm foundation makes every later step easier.",
    "**Practise regularly.** Short, frequent sessions beat long, rare ones.",
    "**Stay curious.** Asking why something works leads to better choices.",
    "**Know when to stop.** Pushing past tiredness usually costs more than it gains.",
    "**Share what you learn.** Explaining an idea to someone else makes it stick.",
    "**Adjust as you go.** Treat every plan as a first draft.",
)
IDEAS = (
    "**A themed twist**: choose one theme and let it shape everything else.",
    "**Something hands-on**: an activity people do together rather than just watch.",
    "**A small surprise**: one unexpected detail that people will remember.",
    "**The outdoor version**: move it outside when the weather allows.",
    "**A low-budget take**: keep it simple and spend on one thing that matters.",
    "**A shared project**: something everyone adds to and can take home.",
    "**A local flavour**: food, music or places from nearby.",
    "**A friendly challenge**: a game or contest with a light-hearted prize.",
    "**A story to tell**: build it around an anecdote or a memory.",
    "**A personal touch**: a handwritten note or a detail made for one person.",
    "**A seasonal angle**: lean into the time of year.",
    "**A quick workshop**: someone shows a skill and everyone tries it.",
    "**A quiet corner**: a calm space for people who need a break.",
    "**A photo spot**: a simple backdrop that invites pictures.",
    "**A shared playlist**: everyone adds one song in advance.",
    "**A swap**: people bring something they no longer need and leave with something new.",
    "**A mystery element**: a clue, a riddle or a sealed envelope opened at the end.",
    "**A tasting**: three or four small samples to compare.",
    "**A time capsule**: notes to be opened a year from now.",
    "**A good cause**: tie it to a charity or a local group.",
)
FACTS = (
    "**It has a long history.** The ideas behind it were worked out gradually, by many people.",
    "**It is easier to see than to describe.** One good example beats a page of definitions.",
    "**It follows simple rules.** Complex behaviour often comes from a few basic principles.",
    "**It shows up in daily life.** Once you know what to look for, you notice it everywhere.",
    "**It is often misunderstood.** Popular explanations tend to skip the interesting part.",
    "**It has trade-offs.** Every gain in one direction costs something in another.",
    "**It keeps changing.** New findings still refine the details.",
    "**It connects to other fields.** The same ideas appear in science, art and business.",
    "**It can be measured.** Careful observation turns vague impressions into numbers.",
    "**It scales.** What works for one case often works, with care, for thousands.",
    "**It depends on context.** The same idea can play out differently in different places.",
    "**It rewards practice.** Understanding grows fastest by trying things out.",
    "**It has a vocabulary.** A handful of key terms unlocks most explanations.",
    "**It has limits.** Knowing where it stops working is as useful as knowing how it works.",
    "**It is still debated.** Experts agree on the core and argue about the edges.",
    "**It can surprise you.** Small changes sometimes have large effects.",
    "**It is teachable.** A child can grasp the basic idea with the right example.",
    "**It has famous examples.** A few well-known cases illustrate it perfectly.",
    "**It affects decisions.** Understanding it leads to better everyday choices.",
    "**It is worth revisiting.** Each time you come back to it, you notice something new.",
)
NAMES = (
    ("Luna", "soft, short and easy to call"),
    ("Milo", "friendly and cheerful"),
    ("Pepper", "lively, with a bit of spice"),
    ("Juniper", "fresh and a little unusual"),
    ("Atlas", "strong and adventurous"),
    ("Nova", "bright and modern"),
    ("Maple", "warm and cosy"),
    ("Ziggy", "playful and full of energy"),
    ("Olive", "gentle and classic"),
    ("Comet", "quick and memorable"),
    ("Pixel", "small, smart and a little geeky"),
    ("Sage", "calm and wise"),
    ("Willow", "graceful and relaxed"),
    ("Echo", "mysterious and easy to remember"),
    ("Ember", "warm, with a spark"),
    ("Indigo", "rich and creative"),
    ("Clover", "lucky and sweet"),
    ("Rocket", "fast and bold"),
    ("Poppy", "bright and bubbly"),
    ("Basil", "down to earth"),
)

HAIKU_FIRST = {  # syllables the subject needs added → endings
    4: ("{W} in the still air", "{W} beneath the moon"),
    3: ("{W} in the rain", "{W} at first light", "{W} after dusk"),
    2: ("{W} at dawn", "{W} once more", "{W}, drifting"),
    1: ("{W}, still", "{W}, hushed"),
    0: ("{W}",),
}
HAIKU_FALLBACK_FIRST = ("A quiet morning", "Under a pale sky", "Out of the stillness")
HAIKU_SECOND = (
    "the world holds its breath and waits",
    "a slow wind carries the sound",
    "light gathers on the water",
    "nothing hurries, nothing stays",
)
HAIKU_THIRD = ("and then, it is gone", "the day begins here", "a small, bright promise")
LIMERICK = (
    "There once was a thinker named Lee,",
    "who pondered {w} by the sea;",
    "she thought it through twice,",
    "found the answer quite nice,",
    "and shared it with you and with me.",
)
STANZAS = (
    (
        "In quiet hours I think of {w},",
        "of how it drifts through morning light,",
        "a simple thing that, looked at twice,",
        "turns ordinary into bright.",
    ),
    (
        "I never planned to learn so much",
        "from something I had passed each day;",
        "but {w} kept its patient watch",
        "and taught me, slowly, how to stay.",
    ),
    (
        "So here's to {w}, small and true,",
        "to questions asked and left to grow;",
        "the world is wider than we knew,",
        "and kinder than we think we know.",
    ),
)
SONNET = (
    "When I consider {w} in the morning light,",
    "I find a world I never thought to see;",
    "the smallest things grow luminous and bright,",
    "and every question opens up to me.",
    "I used to hurry past without a glance,",
    "as if the ordinary had no worth;",
    "but looking closer, nothing works by chance,",
    "and wonder waits in every patch of earth.",
    "So let me slow my step and stay awhile,",
    "and learn the patient grammar of the day;",
    "the answers come, not always in a file,",
    "but in the quiet spaces on the way.",
    "For {w}, then, this little song I write:",
    "a thank-you for the gift of second sight.",
)

STORY_NAMES = ("Maya", "Leo", "Priya", "Sam", "Noor", "Theo", "Ada", "Kofi")


@dataclass(frozen=True)
class Known:
    """Real facts about a subject people often try first."""

    gist: str
    facts: tuple[str, ...]


KNOWN: dict[str, Known] = {
    "ai": Known(
        "AI learns patterns from large amounts of data and uses them to make predictions or "
        "to generate new text, images and code.",
        (
            "Instead of following hand-written rules, a model is trained on examples and "
            "adjusts millions of internal numbers, called parameters, until its outputs match "
            "the examples well.",
            "A language model such as Gemini is trained to predict the next piece of text, and "
            "doing that well across huge amounts of writing teaches it grammar, facts and some "
            "reasoning.",
            "When you send a prompt, the model splits it into tokens and writes its reply one "
            "token at a time, each choice shaped by everything before it.",
            "Settings such as temperature control how adventurous each choice is: low values "
            "pick the most likely tokens, high values allow more variety.",
            "Models can be confidently wrong, so important answers are worth checking against "
            "a reliable source.",
        ),
    ),
    "rainbow": Known(
        "A rainbow forms when sunlight is bent, split into its colours and reflected inside "
        "raindrops.",
        (
            "Sunlight looks white, but it is a mixture of every colour.",
            "When light enters a raindrop it slows down and bends, and each colour bends by a "
            "slightly different amount.",
            "The light reflects off the back of the drop and bends again on the way out, "
            "fanning the colours into a band.",
            "Each colour leaves at its own angle, about 42 degrees for red, so red sits on the "
            "outside of the bow and violet on the inside.",
            "That is also why you only see a rainbow with the sun behind you and rain in front "
            "of you.",
        ),
    ),
    "photosynthesis": Known(
        "Photosynthesis is how plants use sunlight to turn water and carbon dioxide into "
        "sugar and oxygen.",
        (
            "It happens mainly in the leaves, inside tiny structures called chloroplasts.",
            "Chlorophyll, the pigment that makes leaves green, captures the energy of sunlight.",
            "That energy splits water molecules, releasing the oxygen we breathe.",
            "The plant then uses the captured energy to build sugar from carbon dioxide taken "
            "in from the air.",
            "Almost every food chain on Earth starts with this process.",
        ),
    ),
    "black hole": Known(
        "A black hole is a region of space where gravity is so strong that nothing, not even "
        "light, can escape.",
        (
            "Most black holes form when a very massive star runs out of fuel and collapses "
            "under its own weight.",
            "The boundary beyond which nothing returns is called the event horizon.",
            "Black holes cannot be seen directly, but their gravity pulls on nearby stars and "
            "heats the gas falling into them until it glows.",
            "In 2019 the Event Horizon Telescope released the first image of the shadow of a "
            "black hole.",
            "Supermassive black holes, millions of times heavier than the Sun, sit at the "
            "centres of most large galaxies.",
        ),
    ),
    "tide": Known(
        "Tides are the regular rise and fall of the sea, caused mainly by the Moon's gravity "
        "pulling on the oceans.",
        (
            "The Moon pulls hardest on the side of the Earth facing it, drawing the water into "
            "a bulge.",
            "A second bulge forms on the far side, where the Earth is pulled away from the water.",
            "As the Earth turns through both bulges, most coasts see two high tides and two "
            "low tides a day.",
            "The Sun adds its own smaller pull, which is why tides are strongest at new and "
            "full moon.",
            "The shape of a coastline can make the difference between high and low water tiny "
            "in one place and many metres in another.",
        ),
    ),
    "internet": Known(
        "The internet is a worldwide network of networks that pass data between computers in "
        "small packets.",
        (
            "Every device on it has an address, and routers pass each packet a step closer to "
            "its destination.",
            "Shared rules called protocols, such as TCP/IP, make sure the packets arrive and "
            "are put back in order.",
            "The web is one service that runs on the internet, alongside email, video calls "
            "and much more.",
            "Undersea cables carry most of the traffic between continents.",
            "No single organisation owns it; it works because everyone follows the same protocols.",
        ),
    ),
    "gravity": Known(
        "Gravity is the attraction between anything that has mass, and it is what keeps the "
        "planets in orbit and your feet on the ground.",
        (
            "The more massive an object is, the stronger its pull.",
            "The pull weakens quickly with distance: twice as far away means a quarter of the "
            "force.",
            "Newton described gravity as a force, and Einstein later explained it as the "
            "curving of space and time by mass.",
            "On the Moon you would weigh about a sixth of what you weigh on Earth.",
            "Gravity is the weakest of the fundamental forces, yet it shapes the whole universe.",
        ),
    ),
}
#: Keywords (and their plurals) that point at an entry of :data:`KNOWN`.
KNOWN_WORDS = {
    "ai": "ai",
    "artificial": "ai",
    "intelligence": "ai",
    "llm": "ai",
    "llms": "ai",
    "rainbow": "rainbow",
    "rainbows": "rainbow",
    "photosynthesis": "photosynthesis",
    "black": "black hole",
    "tides": "tide",
    "tide": "tide",
    "internet": "internet",
    "gravity": "gravity",
}


CAPITALS = {
    "france": "Paris",
    "germany": "Berlin",
    "italy": "Rome",
    "spain": "Madrid",
    "portugal": "Lisbon",
    "japan": "Tokyo",
    "china": "Beijing",
    "india": "New Delhi",
    "canada": "Ottawa",
    "australia": "Canberra",
    "brazil": "Brasília",
    "mexico": "Mexico City",
    "egypt": "Cairo",
    "kenya": "Nairobi",
    "nigeria": "Abuja",
    "the united kingdom": "London",
    "england": "London",
    "the united states": "Washington, D.C.",
    "the usa": "Washington, D.C.",
    "ireland": "Dublin",
    "the netherlands": "Amsterdam",
    "norway": "Oslo",
    "sweden": "Stockholm",
    "poland": "Warsaw",
    "greece": "Athens",
    "turkey": "Ankara",
    "south korea": "Seoul",
    "argentina": "Buenos Aires",
    "switzerland": "Bern",
}


def known_subject(text: str) -> Known | None:
    """The :data:`KNOWN` entry ``text`` is about, if any ("How does AI work?" → AI)."""
    if match := re.search(r"\bcapital (?:city )?of ([a-z .]+?)[?.!]*$", text.lower()):
        country = match.group(1).strip()
        capital = CAPITALS.get(country)
        if capital:
            name = " ".join(w if w == "the" else w.capitalize() for w in country.split())
            return Known(
                f"The capital of {name} is **{capital}**.",
                (
                    f"{capital.split(',')[0]} is also the seat of the national government.",
                    "Capitals are chosen for many reasons, from history and trade to a "
                    "deliberate compromise between regions.",
                ),
            )
    words = re.findall(r"[a-z]+", text.lower())
    for i, word in enumerate(words):
        key = KNOWN_WORDS.get(word)
        if key == "black hole" and (i + 1 >= len(words) or not words[i + 1].startswith("hole")):
            continue
        if key == "ai" and word in ("artificial", "intelligence") and "artificial" not in words:
            continue
        if key:
            return KNOWN[key]
    return None


def syllables(text: str) -> int:
    """A rough English syllable count (vowel groups, a silent final e)."""
    total = 0
    for word in re.findall(r"[a-z']+", text.lower()):
        groups = re.findall(r"[aeiouy]+", word)
        count = len(groups)
        if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
            count -= 1
        elif re.search(r"[^aeiouycgszxhtd]e[sd]$", word) and count > 1:
            count -= 1  # leaves, moved
        total += max(1, count)
    return total
