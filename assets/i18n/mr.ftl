## counterqr — Marathi (mr). Customer display and spoken announcements.
## Never translate or re-format { $amount }; { $time } is a countdown like "4:59".

language-name = मराठी

## The customer's display between sales.
idle-scan-any-upi = कोणत्याही UPI ॲपने स्कॅन करून पेमेंट करा

## While the till asks the gateway for the QR.
qr-preparing = तुमचा QR कोड तयार होत आहे…

## The QR on screen.
qr-scan-and-pay = स्कॅन करून पेमेंट करा
qr-pay-to = { $payee } यांना
qr-upi-id = UPI ID: { $vpa }
qr-valid-for = { $time } साठी वैध
qr-type-amount-yourself = तुमच्या UPI ॲपमध्ये { $amount } स्वतः टाका
training-not-real = TRAINING — खरे पेमेंट नाही

## After the sale.
paid-title = पेमेंट यशस्वी
paid-thank-you = { $amount } मिळाले. धन्यवाद!
expired-title = QR कोडची मुदत संपली
expired-do-not-pay = कृपया या QR कोडवर पेमेंट करू नका. कॅशियरकडून नवीन कोड मागा.
failed-title = पेमेंट झाले नाही
failed-ask-cashier = पेमेंट पूर्ण झाले नाही. कृपया कॅशियरला विचारा.

## Spoken. CLDR mr: "one" is n = 1 only, so [one] is exactly one.
speech-rupees = { $words } { $count ->
    [one] रुपया
   *[other] रुपये
}
speech-paise = { $words } { $count ->
    [one] पैसा
   *[other] पैसे
}
speech-rupees-and-paise = { $rupees } आणि { $paise }
speech-received = { $amount } { $count ->
    [one] मिळाला
   *[other] मिळाले
}
speech-earlier-received = { $count ->
    [one] मागील विक्रीचा { $amount } मिळाला
   *[other] मागील विक्रीचे { $amount } मिळाले
}
