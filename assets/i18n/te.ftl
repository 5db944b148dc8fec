## counterqr — Telugu (te). Customer display and spoken announcements.
## Never translate or re-format { $amount }; { $time } is a countdown like "4:59".
## Case endings are never glued to English loanwords (యాప్, కోడ్), so no ZWNJ is needed.

language-name = తెలుగు

## The customer's display between sales.
idle-scan-any-upi = ఏదైనా UPI యాప్ ద్వారా స్కాన్ చేసి చెల్లించండి

## While the till asks the gateway for the QR.
qr-preparing = మీ QR కోడ్ సిద్ధమవుతోంది…

## The QR on screen.
qr-scan-and-pay = స్కాన్ చేసి చెల్లించండి
qr-pay-to = { $payee } కు
qr-upi-id = UPI ID: { $vpa }
qr-valid-for = { $time } పాటు చెల్లుతుంది
qr-type-amount-yourself = మీ UPI యాప్ తెరిచి { $amount } మీరే టైప్ చేయండి
training-not-real = TRAINING — నిజమైన చెల్లింపు కాదు

## After the sale.
paid-title = చెల్లింపు విజయవంతం
paid-thank-you = { $amount } అందాయి. ధన్యవాదాలు!
expired-title = QR కోడ్ గడువు ముగిసింది
expired-do-not-pay = దయచేసి ఈ QR కోడ్ ద్వారా చెల్లించకండి. కొత్త కోడ్ కోసం కౌంటర్ వద్ద అడగండి.
failed-title = చెల్లింపు జరగలేదు
failed-ask-cashier = చెల్లింపు పూర్తి కాలేదు. దయచేసి కౌంటర్ వద్ద అడగండి.

## Spoken. CLDR te: "one" is n = 1 only, so [one] is exactly one.
speech-rupees = { $words } { $count ->
    [one] రూపాయి
   *[other] రూపాయలు
}
speech-paise = { $words } { $count ->
    [one] పైసా
   *[other] పైసలు
}
speech-rupees-and-paise = { $rupees } { $paise }
speech-received = { $amount } { $count ->
    [one] అందింది
   *[other] అందాయి
}
speech-earlier-received = గత అమ్మకానికి { $amount } { $count ->
    [one] అందింది
   *[other] అందాయి
}
