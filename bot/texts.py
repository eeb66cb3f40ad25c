"""What the bot says on its own, without asking Rasa."""

SOMETHING_WENT_WRONG = "Sorry, something went wrong on my side. Please try again."
TEXT_ONLY = (
    "Sorry, I can only read text. Please type your question — "
    "or share your location to see care jobs near you."
)
EMPTY_TEXT = "I didn't catch that. Type a question, or /help to see what I can do."
PRIVACY = (
    "We keep only what you choose to tell us, to help you into a care career. "
    "You can ask me to forget you at any time with /forget."
)
PRIVACY_BUTTON = "Read the privacy notice"
FORGET_QUESTION = (
    "Do you want me to delete everything you've told me? "
    "That includes any request for a care employer to contact you."
)
FORGET_YES = "Yes, delete my details"
FORGET_NO = "No, keep them"
FORGET_KEPT = "OK, I've kept your details."
FORGET_RASA_DOWN = (
    "Sorry, I can't delete your details right now: the chat isn't working. "
    "Please try /forget again in a few minutes."
)
RESTARTED = "OK, let's start again. What would you like to know about care careers?"
BUTTON_EXPIRED = "That button has expired — please type your answer instead."
ALREADY_CHOSEN = "You've already chosen this one."
APPLY = "Apply"
LOCATION_TEXT = "jobs near me"
# A message an adviser wrote in the dashboard (HTML; the parts are escaped).
ADVISER_MESSAGE = (
    "💬 <b>{name}</b> from <b>{organisation}</b> wrote to you:\n\n{text}\n\n"
    "<i>Reply here and {name} will see it.</i>"
)
