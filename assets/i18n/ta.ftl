## counterqr — Tamil (ta). Customer display and spoken announcements.
## Never translate or re-format { $amount }; { $time } is a countdown like "4:59".

language-name = தமிழ்

## The customer's display between sales.
idle-scan-any-upi = எந்த UPI ஆப் மூலமும் ஸ்கேன் செய்து பணம் செலுத்துங்கள்

## While the till asks the gateway for the QR.
qr-preparing = உங்கள் QR குறியீடு தயாராகிறது…

## The QR on screen.
qr-scan-and-pay = ஸ்கேன் செய்து பணம் செலுத்துங்கள்
qr-pay-to = பெறுநர்: { $payee }
qr-upi-id = UPI ID: { $vpa }
qr-valid-for = செல்லுபடி நேரம்: { $time }
qr-type-amount-yourself = உங்கள் UPI ஆப்பில் { $amount } நீங்களே உள்ளிடவும்
training-not-real = TRAINING — உண்மையான பரிவர்த்தனை அல்ல

## After the sale.
paid-title = பணம் செலுத்தப்பட்டது
paid-thank-you = { $amount } பெறப்பட்டது. நன்றி!
expired-title = QR குறியீடு காலாவதியானது
expired-do-not-pay = தயவுசெய்து இந்த QR குறியீட்டில் பணம் செலுத்த வேண்டாம். புதிய குறியீட்டைக் காசாளரிடம் கேளுங்கள்.
failed-title = பணம் செலுத்தப்படவில்லை
failed-ask-cashier = பணம் செலுத்துதல் நிறைவடையவில்லை. தயவுசெய்து காசாளரிடம் கேளுங்கள்.

## Spoken. After a numeral Tamil keeps the noun singular (ஒரு ரூபாய், ஐநூறு ரூபாய்; ஐம்பது பைசா)
## and பெறப்பட்டது does not agree, so no selector on $count is needed.
speech-rupees = { $words } ரூபாய்
speech-paise = { $words } பைசா
speech-rupees-and-paise = { $rupees } { $paise }
speech-received = { $amount } பெறப்பட்டது
speech-earlier-received = முந்தைய விற்பனைக்கான { $amount } பெறப்பட்டது
