## counterqr: what the customer reads and hears, in English (the fallback for every language).
## Amounts arrive already written as UPI apps show them ("₹1,23,456.50", Latin digits): never
## translate or re-format { $amount }. { $time } is a countdown like "4:59".

# The language's own name, in its own script, for the settings panel's list.
language-name = English

## The customer's display between sales.
idle-scan-any-upi = Scan & pay with any UPI app

## While the till asks the gateway for the QR.
qr-preparing = Preparing your QR…

## The QR on screen.
qr-scan-and-pay = Scan & pay
# $payee: the shop's name as the QR carries it.
qr-pay-to = to { $payee }
# $vpa: the shop's UPI ID, e.g. sharmastores@okaxis.
qr-upi-id = UPI ID: { $vpa }
qr-valid-for = Valid for { $time }
# A QR with no amount in it: the customer must type the amount in their app.
qr-type-amount-yourself = Enter { $amount } yourself in your UPI app
# On every screen while the till is in training mode.
training-not-real = TRAINING — not a real payment

## After the sale.
paid-title = PAID
paid-thank-you = { $amount } received. Thank you!
expired-title = QR expired
expired-do-not-pay = Please do not pay this QR. Ask the cashier for a new one.
failed-title = Not paid
failed-ask-cashier = The payment did not go through. Please ask the cashier.

## Spoken when the money arrives (like a UPI soundbox). The words for numbers come in
## $words, already in this language; $count is the number itself, for plural agreement.
speech-rupees = { $words } { $count ->
    [one] rupee
   *[other] rupees
}
speech-paise = { $words } { $count ->
    [one] paisa
   *[other] paise
}
# $rupees and $paise are the two phrases above.
speech-rupees-and-paise = { $rupees } and { $paise }
# $amount: one of the three phrases above; $count: the whole rupees (or the paise when there are
# no rupees), for agreement.
speech-received = Received { $amount }
# A payment for an earlier customer, announced while the next sale is on screen. $count as in
# speech-received (some languages agree with it).
speech-earlier-received = Earlier sale of { $amount } received
